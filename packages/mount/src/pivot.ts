// Making the rootfs the container's /.
import type { ContainerModel } from '@lc/config-types';
import { AT_FDCWD, MNT_DETACH, MOVE_MOUNT, type PlanBuilder, steps } from '@lc/system';
import type { Rootfs } from './mount-target.js';

/**
 * pivot_root(".", ".") from inside the new root stacks the old root on top of it, so no
 * put_old directory is needed (and none is left behind in the rootfs); detaching "."
 * then removes the old root, leaving the container no path to the host's tree. The
 * rules it relies on were set up by rootfsSteps: the new root is a mount point (the
 * self-bind) and nothing involved is shared (rprivate), or pivot_root fails with EINVAL.
 * MNT_DETACH because the old root is busy (other processes of the namespace may hold it).
 * The way in is the rootfs fd (fchdir), not its path.
 *
 * no_pivot_root (a rootfs on the initramfs, where pivot_root is impossible): move the
 * rootfs mount onto / and chroot into it. The host's root stays below, reachable by a
 * process that can chroot again: that is why pivot_root is the default.
 */
export function pivotSteps(b: PlanBuilder, model: ContainerModel, root: Rootfs): void {
  steps.fchdir(b, root.fd, { label: `fchdir to ${root.hostPath}` });
  if (model.noPivotRoot) {
    steps.moveMount(b, root.fd, '', AT_FDCWD, '/', MOVE_MOUNT.F_EMPTY_PATH, { label: `move ${root.hostPath} to /` });
    steps.chroot(b, '.');
  } else {
    steps.pivotRoot(b, '.', '.');
    steps.umount2(b, '.', MNT_DETACH, { label: 'detach the old root' });
  }
  // The cwd is the new root's mount point seen from before the switch: start again from /.
  steps.chdir(b, '/');
}
