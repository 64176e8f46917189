// The device nodes the config adds (device_nodes, June 2014): created where the config
// says — usually in the new /dev tmpfs — with parents such as /dev/net made on the way,
// each in its directory opened from the rootfs fd when the step runs.
import { posix } from 'node:path';
import { ConfigError, type ContainerModel, type Device } from '@lc/config-types';
import { AT_FDCWD, errnoNumber, ignoreErrno, makedev, mountSteps, type PlanBuilder, S_IFBLK, S_IFCHR, S_IFIFO, steps } from '@lc/system';
import { bindsDevices } from './device-node.js';
import { ensureTarget, inDirectory, type Rootfs } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

const TYPE_BITS: Record<Device['type'], number> = { c: S_IFCHR, b: S_IFBLK, p: S_IFIFO };
const NODE_TYPES = new Set(['char', 'block', 'fifo']);

export function deviceSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree, root: Rootfs): void {
  model.devices.forEach((device, i) => {
    const what = `devices[${i}].path`;
    if (bindsDevices(model)) {
      // A bound host node keeps the host's mode and owner.
      const target = ensureTarget(b, tree, root, device.path, 'file', what);
      const mount = mountSteps.cloneMount(b, AT_FDCWD, device.path, false, `${what}: open_tree the host's ${device.path}`);
      mountSteps.attachInRoot(b, mount, root.fd, target.path, 'any', `${what}: bind the host's ${device.path}`);
      tree.mounted(target.hostPath, device.path);
      return;
    }
    const target = ensureTarget(b, tree, root, device.path, 'none', what);
    if (target.type !== undefined && !NODE_TYPES.has(target.type)) {
      throw new ConfigError(`${device.path}: already exists as a ${target.type}`, { path: what });
    }
    const name = posix.basename(target.path);
    inDirectory(b, root, posix.dirname(target.path), what, (parent) => {
      // A node already there (a rootfs device outside /dev) is kept, as runc does.
      // umask is 0 here, so the node gets fileMode as given.
      const mode = TYPE_BITS[device.type] | (device.fileMode & 0o7777);
      steps.mknodAt(b, parent, name, mode, makedev(device.major, device.minor), {
        label: `${what}: mknod ${target.path}`,
        onError: ignoreErrno(errnoNumber('EEXIST')),
      });
      if (device.uid !== 0 || device.gid !== 0) {
        steps.chownAt(b, parent, name, device.uid, device.gid, { label: `${what}: chown ${target.path}` });
      }
    });
    tree.created(target.hostPath, device.type === 'c' ? 'char' : device.type === 'b' ? 'block' : 'fifo');
  });
}
