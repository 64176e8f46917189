// /dev: a small tmpfs instead of the rootfs's own /dev, holding only the nodes a
// container may use (the devices cgroup is the second fence), its own devpts instance,
// /dev/shm and, with an ipc namespace, /dev/mqueue.
//
// The tmpfs is made detached and filled through its own fd (nodes, directories, links)
// before it is attached: nobody, and no path, can get in between. The mounts inside it
// then go on directories opened from that fd.
import { posix } from 'node:path';
import { ConfigError, type ContainerModel, hasNamespace } from '@lc/config-types';
import {
  AT_FDCWD,
  MOUNT_ATTR,
  makedev,
  mountSteps,
  type NewFilesystem,
  type PlanBuilder,
  S_IFCHR,
  S_IFREG,
  type System,
  steps,
} from '@lc/system';
import { bindsDevices } from './device-node.js';
import { mountLabelOptions } from './mount-label.js';
import { ensureTarget, type Rootfs } from './mount-target.js';
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

const TTY_GID = 5;

export function devSteps(b: PlanBuilder, model: ContainerModel, sys: System, tree: PlannedTree, root: Rootfs, consolePath?: string): void {
  if (model.process.terminal && consolePath === undefined) {
    throw new ConfigError('a terminal needs its pty (no console path given)', { path: 'tty' });
  }
  const label = model.labels.mountLabel;
  const target = ensureTarget(b, tree, root, '/dev', 'directory', 'rootfs');
  const dev = mountSteps.newMount(
    b,
    {
      fstype: 'tmpfs',
      source: 'tmpfs',
      options: [{ key: 'mode', value: '755' }, { key: 'size', value: '65536k' }, ...mountLabelOptions(label)],
      attributes: MOUNT_ATTR.NOSUID | MOUNT_ATTR.STRICTATIME,
    },
    'mount tmpfs on /dev',
    'dev',
  );
  // The planned tree sees the tmpfs, then what is made in it.
  tree.mounted(target.hostPath);
  const created = (name: string, type: Parameters<PlannedTree['created']>[1], link?: string) =>
    tree.created(`${target.hostPath}/${name}`, type, link);

  // A node the config lists itself (with its own mode or owner) replaces the default.
  const configured = new Set(model.devices.map((device) => posix.normalize(device.path)));
  const nodes = DEFAULT_NODES.filter(([name]) => !configured.has(`/dev/${name}`));
  // umask is 0 at this point of the plan, so 0666 is what the nodes get: no chmod. In a
  // user namespace the kernel refuses mknod: the host's nodes are bound onto empty files.
  for (const [name, major, minor] of nodes) {
    if (bindsDevices(model)) {
      steps.mknodAt(b, dev, name, S_IFREG | 0o644, 0, { label: `create /dev/${name} to bind the host's on` });
      created(name, 'file');
    } else {
      steps.mknodAt(b, dev, name, S_IFCHR | 0o666, makedev(major, minor), { label: `mknod /dev/${name}` });
      created(name, 'char');
    }
  }
  const directories: [string, number][] = [
    ['pts', 0o755],
    ['shm', 0o1777],
  ];
  // An mqueue mount shows the queues of the mounter's ipc namespace: only a container
  // with its own may have one (otherwise it would see and use the host's queues).
  if (hasNamespace(model, 'ipc')) directories.push(['mqueue', 0o755]);
  for (const [name, mode] of directories) {
    steps.mkdirAt(b, dev, name, mode, { label: `mkdir /dev/${name}` });
    created(name, 'directory');
  }
  const links: (readonly [string, string])[] = SYMLINKS.filter(([name]) => !configured.has(`/dev/${name}`));
  // Kernels built without CONFIG_PROC_KCORE have no /proc/kcore: no dangling link then.
  // The name is /dev/core (devices.txt, runc); 2014 libcontainer said /dev/kcore.
  if (exists(sys, '/proc/kcore') && !configured.has('/dev/core')) links.push(['core', '/proc/kcore']);
  for (const [name, link] of links) {
    steps.symlinkAt(b, link, dev, name, { label: `symlink /dev/${name} -> ${link}` });
    created(name, 'symlink', link);
  }
  if (model.process.terminal) {
    steps.mknodAt(b, dev, 'console', S_IFREG | 0o644, 0, { label: 'create /dev/console to bind the console on' });
    created('console', 'file');
  }

  const attach = mountSteps.openInRoot(b, root.fd, target.path, 'directory', `rootfs: open ${target.path}`);
  mountSteps.attachMount(b, dev, attach, 'mount tmpfs on /dev: attach');
  mountSteps.closeTemporary(b, attach, `rootfs: close ${target.path}`);

  const inDev = (name: string, fs: NewFilesystem) => {
    const what = `mount ${fs.fstype} on /dev/${name}`;
    mountSteps.attachInRoot(b, mountSteps.newMount(b, fs, what), dev, name, 'directory', what);
    tree.mounted(`${target.hostPath}/${name}`);
  };
  // A host path (a node, the console) bound on the file `name` of the tmpfs.
  const bindInDev = (source: string, name: string, what: string) => {
    const mount = mountSteps.cloneMount(b, AT_FDCWD, source, false, `${what}: open_tree ${source}`);
    mountSteps.attachInRoot(b, mount, dev, name, 'any', what);
    tree.mounted(`${target.hostPath}/${name}`, source);
  };

  inDev('pts', {
    fstype: 'devpts',
    source: 'devpts',
    // newinstance: a devpts of its own, so the container neither sees nor allocates the
    // host's ptys; gid=5 (tty) and mode=620 are what login and sshd expect. In a user
    // namespace whose gid map leaves out 5, the kernel refuses gid=5 (EINVAL).
    options: [
      { key: 'newinstance' },
      { key: 'ptmxmode', value: '0666' },
      { key: 'mode', value: '620' },
      ...(ttyGroupMapped(model) ? [{ key: 'gid', value: String(TTY_GID) }] : []),
      ...mountLabelOptions(label),
    ],
    attributes: MOUNT_ATTR.NOSUID | MOUNT_ATTR.NOEXEC,
  });
  inDev('shm', {
    fstype: 'tmpfs',
    source: 'shm',
    options: [{ key: 'mode', value: '1777' }, { key: 'size', value: '65536k' }, ...mountLabelOptions(label)],
    attributes: MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC,
  });
  if (hasNamespace(model, 'ipc')) {
    inDev('mqueue', { fstype: 'mqueue', source: 'mqueue', attributes: MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC });
  }
  if (bindsDevices(model)) {
    for (const [name] of nodes) bindInDev(`/dev/${name}`, name, `bind the host's /dev/${name} on /dev/${name}`);
  }
  // /dev/console is the container's terminal: the pty slave the parent opened in the
  // host's devpts, which the container's own devpts instance does not show. A bind
  // source must be a mount of this mount namespace: the fd the process holds names the
  // parent's (EINVAL), the path resolves in this namespace's copy of it.
  if (consolePath !== undefined && model.process.terminal) bindInDev(consolePath, 'console', 'bind the console on /dev/console');
  mountSteps.closeTemporary(b, dev, 'close /dev');
}

function ttyGroupMapped(model: ContainerModel): boolean {
  if (!hasNamespace(model, 'user')) return true;
  return model.gidMappings.some((m) => m.containerId <= TTY_GID && TTY_GID < m.containerId + m.size);
}

function exists(sys: System, path: string): boolean {
  try {
    sys.lstat(path);
    return true;
  } catch {
    return false;
  }
}
