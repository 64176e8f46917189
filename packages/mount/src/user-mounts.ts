// The config's own mounts (bind and tmpfs), in order: a later mount may go inside an
// earlier one. Each is made detached — the bind source cloned once with open_tree, a
// tmpfs created with fsopen/fsmount — its attributes set while nothing can see it, then
// attached on its destination opened from the rootfs fd.
import type { ContainerModel, Mount } from '@lc/config-types';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_RECURSIVE,
  MOUNT_ATTR,
  MS,
  mountSteps,
  type PlanBuilder,
  type SlotRef,
  type System,
  steps,
} from '@lc/system';
import { bindSource } from './bind-source.js';
import { mountLabelOptions } from './mount-label.js';
import { ensureTarget, type Rootfs } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

export function userMountSteps(b: PlanBuilder, model: ContainerModel, sys: System, tree: PlannedTree, root: Rootfs): void {
  model.mounts.forEach((mount, i) => {
    if (mount.kind === 'bind') bindSteps(b, sys, tree, root, mount, i);
    else tmpfsSteps(b, model, tree, root, mount, i);
  });
}

function bindSteps(b: PlanBuilder, sys: System, tree: PlannedTree, root: Rootfs, mount: Mount, i: number): void {
  const source = bindSource(sys, mount.source, `mounts[${i}].source`);
  // A bind needs something of the same kind to mount over: a file over a file.
  const leaf = source.type === 'directory' ? 'directory' : 'file';
  const target = ensureTarget(b, tree, root, mount.destination, leaf, `mounts[${i}].destination`);
  // AT_RECURSIVE: mounts below the source come along (a bare bind would show the
  // directories they hide instead).
  const clone = mountSteps.cloneMount(b, AT_FDCWD, mount.source, true, `mounts[${i}].source: open_tree ${mount.source}`);
  if (mount.readonly) {
    // Read-only all the way down: the submounts of the source too, which a bind remount
    // (2014 libcontainer, runc) left writable. mount_setattr only adds MOUNT_ATTR_RDONLY:
    // the source's nosuid/nodev/noexec stay (locked in a user namespace).
    steps.mountSetattr(b, clone, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR.RDONLY }, { label: `mounts[${i}]: make the bind read-only` });
  }
  attach(b, clone, root, target.path, leaf === 'directory' ? 'directory' : 'any', mount, i);
  tree.mounted(target.hostPath, source.path);
}

function tmpfsSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree, root: Rootfs, mount: Mount, i: number): void {
  const target = ensureTarget(b, tree, root, mount.destination, 'directory', `mounts[${i}].destination`);
  const tmpfs = mountSteps.newMount(
    b,
    {
      fstype: 'tmpfs',
      source: mount.source === '' ? 'tmpfs' : mount.source,
      options: [...mountSteps.parseMountOptions(mount.data), ...mountLabelOptions(model.labels.mountLabel)],
      attributes: MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | (mount.readonly ? MOUNT_ATTR.RDONLY : 0),
    },
    `mounts[${i}] (tmpfs on ${mount.destination})`,
  );
  attach(b, tmpfs, root, target.path, 'directory', mount, i);
  tree.mounted(target.hostPath);
}

function attach(b: PlanBuilder, mount: SlotRef, root: Rootfs, path: string, kind: 'directory' | 'any', config: Mount, i: number): void {
  // The rootfs mounts are already private (or slaves with no_pivot_root): this matters
  // when / was made a slave, where the bind would otherwise keep receiving the host's
  // mounts. Set while detached, so it never receives one.
  if (config.private) {
    steps.mountSetattr(b, mount, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: 0, propagation: MS.PRIVATE }, { label: `mounts[${i}]: make it private` });
  }
  mountSteps.attachInRoot(b, mount, root.fd, path, kind, `mounts[${i}].destination`);
}
