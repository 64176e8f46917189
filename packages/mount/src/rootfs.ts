import type { ContainerModel } from '@lc/config-types';
import type { PlanBuilder, System } from '@lc/system';
import { devSteps } from './dev.js';
import { deviceSteps } from './devices.js';
import { PlannedTree } from './planned-tree.js';
import { bindRootfsSteps, propagationSteps } from './propagation.js';
import { procSteps, sysSteps } from './special-filesystems.js';
import { userMountSteps } from './user-mounts.js';

/**
 * The mount steps before pivot_root, in a new mount namespace with umask 0. Paths are
 * host paths under `model.rootfs`; `sys` is only read (lstat, readlink) to resolve
 * targets inside the rootfs and to check bind sources, which is why missing sources
 * and targets escaping through symlinks are reported here, before anything runs.
 */
export interface RootfsOptions {
  /**
   * With `tty: true`: the host path of the pty slave the container gets (/dev/pts/N),
   * bound on its /dev/console.
   */
  readonly consolePath?: string;
}

export function rootfsSteps(b: PlanBuilder, model: ContainerModel, sys: System, options: RootfsOptions = {}): void {
  const tree = new PlannedTree(sys);
  propagationSteps(b, model);
  bindRootfsSteps(b, model);
  procSteps(b, model, tree);
  sysSteps(b, model, tree);
  devSteps(b, model, sys, tree, options.consolePath);
  deviceSteps(b, model, tree);
  userMountSteps(b, model, sys, tree);
}
