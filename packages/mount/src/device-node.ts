// Whether the container's device nodes are made or bound: outside a user namespace
// they are made with mknod; inside one the kernel refuses mknod (EPERM), so the host's
// node is bound onto an empty file instead, as runc does for rootless containers.
import { type ContainerModel, hasNamespace } from '@lc/config-types';

/** True when the plan runs in a user namespace, where nodes are binds of the host's. */
export function bindsDevices(model: ContainerModel): boolean {
  return hasNamespace(model, 'user');
}
