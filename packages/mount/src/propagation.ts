// The first two steps of any rootfs: propagation, then the rootfs as a mount point.
import type { ContainerModel } from '@lc/config-types';
import { MS, type PlanBuilder, steps } from '@lc/system';

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
 * Binds the rootfs onto itself (recursively, so mounts already inside it come along).
 *
 * pivot_root's new root must be a mount point, and so must the source of the MS_MOVE
 * used without it; a rootfs is usually just a directory. Every later mount lands on
 * this bind, so pivot_root (or the move) takes them all along.
 */
export function bindRootfsSteps(b: PlanBuilder, model: ContainerModel): void {
  steps.mount(
    b,
    { source: model.rootfs, target: model.rootfs, flags: MS.BIND | MS.REC },
    { label: `bind ${model.rootfs} onto itself` },
  );
}
