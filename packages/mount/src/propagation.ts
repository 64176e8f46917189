// The first two steps of any rootfs: propagation, then the rootfs as a mount point.
import type { ContainerModel } from '@lc/config-types';
import { AT_EMPTY_PATH, AT_RECURSIVE, MS, mountSteps, O, OPEN_TREE, type PlanBuilder, steps } from '@lc/system';
import type { Rootfs } from './mount-target.js';

/**
 * Makes every mount of the new mount namespace private (rprivate), or a slave of the
 * host's (rslave) with no_pivot_root.
 *
 * The copy of the host's mount table an unshare(CLONE_NEWNS) gives is still shared with
 * the host on systemd machines: without this, every mount below would appear on the
 * host too, and pivot_root fails with EINVAL while the current root (or the new root's
 * parent) is shared. MS_MOVE has the same rule, so no_pivot_root needs at least a
 * slave: 2014 libcontainer chose rslave there, which still lets the host's unmounts
 * reach the container, so a container that never leaves the host's root does not keep
 * host mounts busy.
 */
export function propagationSteps(b: PlanBuilder, model: ContainerModel): void {
  if (model.noPivotRoot) {
    steps.mount(b, { source: null, target: '/', flags: MS.REC | MS.SLAVE }, { label: 'make / a recursive slave' });
  } else {
    steps.mount(b, { source: null, target: '/', flags: MS.REC | MS.PRIVATE }, { label: 'make / recursively private' });
  }
}

/**
 * Binds the rootfs onto itself (recursively, so mounts already inside it come along),
 * and keeps an fd of that bind: the root every later step resolves container paths in.
 *
 * pivot_root's new root must be a mount point, and so must the source of the move used
 * without it; a rootfs is usually just a directory. Every later mount lands on this
 * bind, so pivot_root (or the move) takes them all along. The fd is of the bind itself
 * (open_tree's clone, attached with move_mount), not of the directory below it: a path
 * opened from the directory would miss every mount made on the bind.
 */
export function bindRootfsSteps(b: PlanBuilder, model: ContainerModel): Rootfs {
  const label = `bind ${model.rootfs} onto itself`;
  // The directory is opened once, by its host path (the config's, not the container's
  // to change): the clone comes from it and goes back onto it.
  const dir = b.temporary('target');
  steps.openat(b, model.rootfs, O.PATH | O.DIRECTORY | O.CLOEXEC, 0, dir, { label: `rootfs: open ${model.rootfs}` });
  const fd = b.slot('rootfs');
  const flags = OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH;
  steps.openTree(b, dir, '', flags, fd, { label: `${label}: open_tree` });
  mountSteps.attachMount(b, fd, dir, label);
  mountSteps.closeTemporary(b, dir, `rootfs: close ${model.rootfs}`);
  return { fd, hostPath: model.rootfs };
}
