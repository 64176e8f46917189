// The config's own mounts (bind and tmpfs), in order: a later mount may go inside an
// earlier one.
import type { ContainerModel, Mount } from '@lc/config-types';
import { MS, type PlanBuilder, type System, steps } from '@lc/system';
import { bindSource } from './bind-source.js';
import { withMountLabel } from './mount-label.js';
import { ensureTarget } from './mount-target.js';
import type { PlannedTree } from './planned-tree.js';

export function userMountSteps(b: PlanBuilder, model: ContainerModel, sys: System, tree: PlannedTree): void {
  model.mounts.forEach((mount, i) => {
    if (mount.kind === 'bind') bindSteps(b, model, sys, tree, mount, i);
    else tmpfsSteps(b, model, tree, mount, i);
  });
}

function bindSteps(b: PlanBuilder, model: ContainerModel, sys: System, tree: PlannedTree, mount: Mount, i: number): void {
  const source = bindSource(sys, mount.source, `mounts[${i}].source`);
  // A bind needs something of the same kind to mount over: a file over a file.
  const leaf = source.type === 'directory' ? 'directory' : 'file';
  const { hostPath } = ensureTarget(b, tree, model.rootfs, mount.destination, leaf, `mounts[${i}].destination`);
  // MS_REC: mounts below the source come along (a bare bind would show the directories
  // they hide instead).
  steps.mount(b, { source: mount.source, target: hostPath, flags: MS.BIND | MS.REC }, { label: `bind ${mount.source} on ${hostPath}` });
  if (mount.readonly) {
    // The kernel ignores MS_RDONLY on the bind itself: it takes a second, remount call.
    // That remount changes only the top mount (the kernel ignores MS_REC on a bind
    // remount), so submounts of the source stay writable, as in 2014 libcontainer and
    // runc; a recursive read-only needs mount_setattr(AT_RECURSIVE) (Linux 5.12).
    steps.mount(
      b,
      // The source mount's nosuid/nodev/noexec/atime flags are repeated: a bind remount
      // without them would clear them.
      { source: null, target: hostPath, flags: MS.BIND | MS.REMOUNT | MS.RDONLY | sys.mountFlags(source.path) },
      { label: `remount ${hostPath} read-only` },
    );
  }
  if (mount.private) privateSteps(b, hostPath);
  tree.mounted(hostPath, source.path);
}

function tmpfsSteps(b: PlanBuilder, model: ContainerModel, tree: PlannedTree, mount: Mount, i: number): void {
  const { hostPath } = ensureTarget(b, tree, model.rootfs, mount.destination, 'directory', `mounts[${i}].destination`);
  steps.mount(b, {
    source: mount.source === '' ? 'tmpfs' : mount.source,
    target: hostPath,
    fstype: 'tmpfs',
    flags: MS.NOSUID | MS.NODEV | (mount.readonly ? MS.RDONLY : 0),
    data: withMountLabel(mount.data, model.labels.mountLabel),
  });
  if (mount.private) privateSteps(b, hostPath);
  tree.mounted(hostPath);
}

// The rootfs mounts are already private (or slaves with no_pivot_root): this matters
// when / was made a slave, where a new mount would otherwise keep receiving the host's.
function privateSteps(b: PlanBuilder, hostPath: string): void {
  steps.mount(b, { source: null, target: hostPath, flags: MS.REC | MS.PRIVATE }, { label: `make ${hostPath} private` });
}
