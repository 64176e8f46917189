// The device nodes the config adds (device_nodes, June 2014): created in the new
// /dev tmpfs, with parents such as /dev/net made on the way.
import { ConfigError, type ContainerModel, type Device } from '@lc/config-types';
import { errnoNumber, ignoreErrno, makedev, type PlanBuilder, S_IFBLK, S_IFCHR, S_IFIFO, steps } from '@lc/system';
import { bindsDevices, nodeSteps } from './device-node.js';
import { ensureTarget } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

const TYPE_BITS: Record<Device['type'], number> = { c: S_IFCHR, b: S_IFBLK, p: S_IFIFO };
const NODE_TYPES = new Set(['char', 'block', 'fifo']);

export function deviceSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree): void {
  model.devices.forEach((device, i) => {
    const what = `devices[${i}].path`;
    const { type } = ensureTarget(b, tree, model.rootfs, device.path, 'none', what);
    if (type !== undefined && !NODE_TYPES.has(type)) {
      throw new ConfigError(`${device.path}: already exists as a ${type}`, { path: what });
    }
    // A node already there (a rootfs device outside /dev) is kept, as runc does.
    // umask is 0 here, so the node gets fileMode as given.
    const node = {
      path: device.path,
      mode: TYPE_BITS[device.type] | (device.fileMode & 0o7777),
      dev: makedev(device.major, device.minor),
      type: device.type === 'c' ? 'char' : device.type === 'b' ? 'block' : 'fifo',
    } as const;
    const path = nodeSteps(b, model, tree, node, what, { onError: ignoreErrno(errnoNumber('EEXIST')) });
    // A bound host node keeps the host's owner: only a node made here is chowned.
    if ((device.uid !== 0 || device.gid !== 0) && !bindsDevices(model)) steps.chown(b, path, device.uid, device.gid);
  });
}
