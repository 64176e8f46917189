// One device node in the container's /dev. Outside a user namespace it is made with
// mknod; inside one the kernel refuses mknod (EPERM), so the host's node is bound
// onto an empty file instead, as runc does for rootless containers.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { MS, type PlanBuilder, type StepOptions, steps } from '@lc/system';
import { ensureTarget } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

export interface NodeSpec {
  /** The node's path inside the container (/dev/null). */
  readonly path: string;
  /** S_IFCHR/S_IFBLK/S_IFIFO | permission bits. */
  readonly mode: number;
  readonly dev: number;
  readonly type: 'char' | 'block' | 'fifo';
}

/** True when the plan runs in a user namespace, where nodes are binds of the host's. */
export function bindsDevices(model: ContainerModel): boolean {
  return hasNamespace(model, 'user');
}

export function nodeSteps(
  b: PlanBuilder,
  model: ContainerModel,
  tree: PlannedTree,
  node: NodeSpec,
  what: string,
  mknodOptions: StepOptions = {},
): string {
  if (bindsDevices(model)) {
    const { hostPath } = ensureTarget(b, tree, model.rootfs, node.path, 'file', what);
    steps.mount(b, { source: node.path, target: hostPath, flags: MS.BIND }, { label: `bind the host's ${node.path} on ${hostPath}` });
    tree.mounted(hostPath, node.path);
    return hostPath;
  }
  const { hostPath } = ensureTarget(b, tree, model.rootfs, node.path, 'none', what);
  steps.mknod(b, hostPath, node.mode, node.dev, mknodOptions);
  tree.created(hostPath, node.type);
  return hostPath;
}
