// /dev: a small tmpfs instead of the rootfs's own /dev, holding only the nodes a
// container may use (the devices cgroup is the second fence), its own devpts instance,
// /dev/shm and, with an ipc namespace, /dev/mqueue.
import { posix } from 'node:path';
import { ConfigError, type ContainerModel, hasNamespace } from '@lc/config-types';
import { MS, makedev, type PlanBuilder, S_IFCHR, type System, steps } from '@lc/system';
import { nodeSteps } from './device-node.js';
import { withMountLabel } from './mount-label.js';
import { ensureTarget } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

/** The nodes every container gets; their numbers are fixed (Documentation/admin-guide/devices.txt). */
const DEFAULT_NODES = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
] as const;

const SYMLINKS = [
  // The devpts instance below is `newinstance`: its own ptmx must be the one opened.
  ['ptmx', 'pts/ptmx'],
  ['fd', '/proc/self/fd'],
  ['stdin', '/proc/self/fd/0'],
  ['stdout', '/proc/self/fd/1'],
  ['stderr', '/proc/self/fd/2'],
] as const;

/** The container's /dev as a host path, for the steps that follow (devices, mounts). */
export function devSteps(b: PlanBuilder, model: ContainerModel, sys: System, tree: PlannedTree, consolePath?: string): string {
  const label = model.labels.mountLabel;
  const { hostPath: dev } = ensureTarget(b, tree, model.rootfs, '/dev', 'directory', 'rootfs');
  steps.mount(b, {
    source: 'tmpfs',
    target: dev,
    fstype: 'tmpfs',
    flags: MS.NOSUID | MS.STRICTATIME,
    data: withMountLabel('mode=755,size=65536k', label),
  });
  tree.mounted(dev);

  // A node the config lists itself (with its own mode or owner) replaces the default.
  const configured = new Set(model.devices.map((device) => posix.normalize(device.path)));
  const wanted = (name: string) => !configured.has(`/dev/${name}`);

  // umask is 0 at this point of the plan, so 0666 is what the nodes get: no chmod.
  for (const [name, major, minor] of DEFAULT_NODES) {
    if (!wanted(name)) continue;
    const node = { path: `/dev/${name}`, mode: S_IFCHR | 0o666, dev: makedev(major, minor), type: 'char' } as const;
    nodeSteps(b, model, tree, node, 'rootfs');
  }

  // newinstance: a devpts of its own, so the container neither sees nor allocates the
  // host's ptys; gid=5 (tty) and mode=620 are what login and sshd expect. In a user
  // namespace whose gid map leaves out 5, the kernel refuses gid=5 (EINVAL).
  directory(b, tree, `${dev}/pts`, 0o755);
  steps.mount(b, {
    source: 'devpts',
    target: `${dev}/pts`,
    fstype: 'devpts',
    flags: MS.NOSUID | MS.NOEXEC,
    data: withMountLabel(`newinstance,ptmxmode=0666,mode=620${ttyGroupMapped(model) ? ',gid=5' : ''}`, label),
  });
  tree.mounted(`${dev}/pts`);

  directory(b, tree, `${dev}/shm`, 0o1777);
  steps.mount(b, {
    source: 'shm',
    target: `${dev}/shm`,
    fstype: 'tmpfs',
    flags: MS.NOSUID | MS.NODEV | MS.NOEXEC,
    data: withMountLabel('mode=1777,size=65536k', label),
  });
  tree.mounted(`${dev}/shm`);

  // An mqueue mount shows the queues of the mounter's ipc namespace: only a container
  // with its own may have one (otherwise it would see and use the host's queues).
  if (hasNamespace(model, 'ipc')) {
    directory(b, tree, `${dev}/mqueue`, 0o755);
    steps.mount(b, {
      source: 'mqueue',
      target: `${dev}/mqueue`,
      fstype: 'mqueue',
      flags: MS.NOSUID | MS.NODEV | MS.NOEXEC,
    });
    tree.mounted(`${dev}/mqueue`);
  }

  const links: (readonly [string, string])[] = [...SYMLINKS];
  // Kernels built without CONFIG_PROC_KCORE have no /proc/kcore: no dangling link then.
  // The name is /dev/core (devices.txt, runc); 2014 libcontainer said /dev/kcore.
  if (exists(sys, '/proc/kcore')) links.push(['core', '/proc/kcore']);
  for (const [name, target] of links) {
    if (!wanted(name)) continue;
    steps.symlink(b, target, `${dev}/${name}`);
    tree.created(`${dev}/${name}`, 'symlink', target);
  }
  if (model.process.terminal) consoleSteps(b, model, tree, consolePath);
  return dev;
}

/**
 * /dev/console is the container's terminal: the pty slave the parent opened in the
 * host's devpts, which the container's own devpts instance does not show. It is bound
 * by its path: a bind source must be a mount of the caller's mount namespace, and the
 * fd the process holds (/proc/self/fd/0) names the mount of the parent's (EINVAL);
 * the path resolves in this namespace's copy of it.
 */
function consoleSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree, consolePath: string | undefined): void {
  if (consolePath === undefined) throw new ConfigError('a terminal needs its pty (no console path given)', { path: 'tty' });
  const { hostPath } = ensureTarget(b, tree, model.rootfs, '/dev/console', 'file', 'tty');
  steps.mount(b, { source: consolePath, target: hostPath, fstype: null, flags: MS.BIND }, { label: 'bind the console on /dev/console' });
}

function ttyGroupMapped(model: ContainerModel): boolean {
  if (!hasNamespace(model, 'user')) return true;
  return model.gidMappings.some((m) => m.containerId <= TTY_GID && TTY_GID < m.containerId + m.size);
}

const TTY_GID = 5;

// The tmpfs is new and empty: nothing to resolve below it.
function directory(b: PlanBuilder, tree: PlannedTree, path: string, mode: number): void {
  steps.mkdir(b, path, mode);
  tree.created(path, 'directory');
}

function exists(sys: System, path: string): boolean {
  try {
    sys.lstat(path);
    return true;
  } catch {
    return false;
  }
}
