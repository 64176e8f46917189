import type { ContainerModel } from '@lc/config-types';
import { AT_EMPTY_PATH, MOUNT_ATTR, type PlanBuilder, steps } from '@lc/system';
import type { Rootfs } from './mount-target.js';

/**
 * readonly_fs: makes the container's / read-only, after pivot_root and after every step
 * that writes into the rootfs (mkdir of mount targets, readonly and masked paths). The
 * rootfs fd names the self-bind, now /: mount_setattr without AT_RECURSIVE changes that
 * mount only, leaving /proc, /dev, /sys and the config's mounts as they are, and adds
 * read-only to the flags it has (nosuid... stay; a remount had to repeat them).
 */
export function readonlyRootSteps(b: PlanBuilder, model: ContainerModel, root: Rootfs): void {
  if (!model.readonlyRootfs) return;
  steps.mountSetattr(b, root.fd, '', AT_EMPTY_PATH, { set: MOUNT_ATTR.RDONLY }, { label: 'make / read-only' });
}
