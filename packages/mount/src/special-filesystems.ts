// /proc and /sys: the kernel's views of processes and devices, mounted fresh so the
// container sees its own pid namespace and (with a network namespace) its own devices.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { MS, type PlanBuilder, steps } from '@lc/system';
import { ensureTarget } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

/**
 * proc: nosuid, noexec, nodev and writable (the May 2014 change: /proc/sys and
 * /proc/sysrq-trigger are made read-only later, by @lc/security's readonly paths).
 */
export function procSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree): void {
  const { hostPath } = ensureTarget(b, tree, model.rootfs, '/proc', 'directory', 'rootfs');
  steps.mount(b, { source: 'proc', target: hostPath, fstype: 'proc', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV });
  // Not the same pid namespace, but the same kernel: good enough to resolve later paths.
  tree.mounted(hostPath, '/proc');
}

/**
 * sysfs: read-only, nosuid, noexec, nodev.
 *
 * The kernel lets a user namespace mount sysfs only if it owns the current network
 * namespace (sysfs shows that namespace's devices). A container with a user namespace
 * but the host's network would get EPERM, so it gets the host's /sys bound read-only
 * instead (as runc does). The plan format has no jump on success to try sysfs and fall
 * back at run time, and none is needed: the outcome is known from the model. As root
 * without a user namespace, sysfs mounts fine either way.
 */
export function sysSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree): void {
  const { hostPath } = ensureTarget(b, tree, model.rootfs, '/sys', 'directory', 'rootfs');
  const locked = MS.NOSUID | MS.NOEXEC | MS.NODEV;
  if (hasNamespace(model, 'user') && !hasNamespace(model, 'network')) {
    steps.mount(b, { source: '/sys', target: hostPath, flags: MS.BIND | MS.REC }, { label: `bind /sys on ${hostPath}` });
    // A bind takes its flags from the source; read-only needs a remount, which in a user
    // namespace must repeat the flags the host mount has locked (nosuid, noexec, nodev).
    steps.mount(
      b,
      { source: null, target: hostPath, flags: MS.BIND | MS.REMOUNT | MS.RDONLY | locked },
      { label: `remount ${hostPath} read-only` },
    );
  } else {
    steps.mount(b, { source: 'sysfs', target: hostPath, fstype: 'sysfs', flags: locked | MS.RDONLY });
  }
  tree.mounted(hostPath, '/sys');
}
