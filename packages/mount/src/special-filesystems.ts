// /proc and /sys: the kernel's views of processes and devices, mounted fresh so the
// container sees its own pid namespace and (with a network namespace) its own devices.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { AT_EMPTY_PATH, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR, mountSteps, type PlanBuilder, steps } from '@lc/system';
import { ensureTarget, type Rootfs } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

const LOCKED = MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC;

/**
 * proc: nosuid, noexec, nodev and writable (the May 2014 change: /proc/sys and
 * /proc/sysrq-trigger are made read-only later, by @lc/security's readonly paths).
 */
export function procSteps(b: PlanBuilder, tree: PlannedTree, root: Rootfs): void {
  const target = ensureTarget(b, tree, root, '/proc', 'directory', 'rootfs');
  const proc = mountSteps.newMount(b, { fstype: 'proc', source: 'proc', attributes: LOCKED }, 'mount proc on /proc');
  mountSteps.attachInRoot(b, proc, root.fd, target.path, 'directory', 'mount proc on /proc');
  // Not the same pid namespace, but the same kernel: good enough to resolve later paths.
  tree.mounted(target.hostPath, '/proc');
}

/**
 * sysfs: read-only, nosuid, noexec, nodev.
 *
 * The kernel lets a user namespace mount sysfs only if it owns the current network
 * namespace (sysfs shows that namespace's devices). A container with a user namespace
 * but the host's network would get EPERM, so it gets the host's /sys bound instead (as
 * runc does), read-only all the way down (mount_setattr with AT_RECURSIVE, which also
 * leaves the nosuid/nodev/noexec the host locked as they are). The outcome is known
 * from the model: no run-time fallback is needed. As root without a user namespace,
 * sysfs mounts fine either way.
 */
export function sysSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree, root: Rootfs): void {
  const target = ensureTarget(b, tree, root, '/sys', 'directory', 'rootfs');
  if (hasNamespace(model, 'user') && !hasNamespace(model, 'network')) {
    const label = 'bind /sys on /sys';
    const sys = mountSteps.cloneMount(b, AT_FDCWD, '/sys', true, `${label}: open_tree /sys`);
    steps.mountSetattr(b, sys, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR.RDONLY }, { label: `${label}: make it read-only` });
    mountSteps.attachInRoot(b, sys, root.fd, target.path, 'directory', label);
  } else {
    const sys = mountSteps.newMount(b, { fstype: 'sysfs', source: 'sysfs', attributes: LOCKED | MOUNT_ATTR.RDONLY }, 'mount sysfs on /sys');
    mountSteps.attachInRoot(b, sys, root.fd, target.path, 'directory', 'mount sysfs on /sys');
  }
  tree.mounted(target.hostPath, '/sys');
}
