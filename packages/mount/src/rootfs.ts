import type { ContainerModel } from '@lc/config-types';
import type { PlanBuilder, System } from '@lc/system';
import { devSteps } from './dev.js';
import { deviceSteps } from './devices.js';
import type { Rootfs } from './mount-target.js';
import { PlannedTree } from './planned-tree.js';
import { bindRootfsSteps, propagationSteps } from './propagation.js';
import { procSteps, sysSteps } from './special-filesystems.js';
import { userMountSteps } from './user-mounts.js';

export interface RootfsOptions {
  /**
   * With `tty: true`: the host path of the pty slave the container gets (/dev/pts/N),
   * bound on its /dev/console.
   */
  readonly consolePath?: string;
}

/**
 * The mount steps before pivot_root, in a new mount namespace with umask 0. Returns the
 * rootfs: the plan's fd of it (pivotSteps, readonlyRootSteps and the read-only and
 * masked paths resolve through it; the caller closes it) and its host path.
 *
 * `sys` is only read (lstat, readlink), to plan: whether targets look missing, whether a
 * bind source is a file or a directory, and to report missing sources and targets that
 * cannot resolve before anything runs. What the steps do is decided again when they run.
 */
export function rootfsSteps(b: PlanBuilder, model: ContainerModel, sys: System, options: RootfsOptions = {}): Rootfs {
  const tree = new PlannedTree(sys);
  propagationSteps(b, model);
  const root = bindRootfsSteps(b, model);
  procSteps(b, tree, root);
  sysSteps(b, model, tree, root);
  devSteps(b, model, sys, tree, root, options.consolePath);
  deviceSteps(b, model, tree, root);
  userMountSteps(b, model, sys, tree, root);
  return root;
}
