import type { ContainerModel } from '@lc/config-types';
import { MS, type PlanBuilder, type System, steps } from '@lc/system';

/**
 * readonly_fs: remount the container's / read-only, after pivot_root and after every
 * step that writes into the rootfs (mkdir of mount targets, readonly and masked paths).
 * / is the rootfs self-bind, so this is a bind remount: it changes that mount only,
 * leaving /proc, /dev, /sys and the config's mounts as they are.
 */
export function readonlyRootSteps(b: PlanBuilder, model: ContainerModel, sys: System): void {
  if (!model.readonlyRootfs) return;
  // The rootfs bind carries the flags of the host mount that holds the rootfs; the
  // remount repeats them, or it would clear nosuid/nodev/noexec.
  const flags = MS.BIND | MS.REMOUNT | MS.RDONLY | sys.mountFlags(model.rootfs);
  steps.mount(b, { source: null, target: '/', flags }, { label: 'remount / read-only' });
}
