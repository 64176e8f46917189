// Making the rootfs the container's /.
import type { ContainerModel } from '@lc/config-types';
import { MNT_DETACH, MS, type PlanBuilder, steps } from '@lc/system';

/**
 * pivot_root(".", ".") from inside the new root stacks the old root on top of it, so no
 * put_old directory is needed (and none is left behind in the rootfs); detaching "."
 * then removes the old root, leaving the container no path to the host's tree. The
 * rules it relies on were set up by rootfsSteps: the new root is a mount point (the
 * self-bind) and nothing involved is shared (rprivate), or pivot_root fails with EINVAL.
 * MNT_DETACH because the old root is busy (other processes of the namespace may hold it).
 *
 * no_pivot_root (a rootfs on the initramfs, where pivot_root is impossible): move the
 * rootfs mount onto / and chroot into it. The host's root stays below, reachable by a
 * process that can chroot again: that is why pivot_root is the default.
 */
export function pivotSteps(b: PlanBuilder, model: ContainerModel): void {
  steps.chdir(b, model.rootfs);
  if (model.noPivotRoot) {
    steps.mount(b, { source: model.rootfs, target: '/', flags: MS.MOVE }, { label: `move ${model.rootfs} to /` });
    steps.chroot(b, '.');
  } else {
    steps.pivotRoot(b, '.', '.');
    steps.umount2(b, '.', MNT_DETACH, { label: 'detach the old root' });
  }
  // The cwd is the new root's mount point seen from before the switch: start again from /.
  steps.chdir(b, '/');
}
