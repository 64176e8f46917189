// Mount targets and device paths are container paths: they are resolved inside the
// rootfs (a symlink is followed as if the rootfs were /, so `/r/data -> /etc` means
// /r/etc, never the host's /etc) and whatever is missing is created by plan steps.
// Mounting or creating through a symlink that leads out of the rootfs is how a
// malicious image takes over the host (CVE-2015-3627, CVE-2021-30465).
import { ConfigError } from '@lc/config-types';
import { O, type PlanBuilder, type ResolvedPath, resolveInRoot, steps } from '@lc/system';
import type { PlannedTree } from './planned-tree.js';

/** What the last component must be when it is missing: created as a directory or an
 * empty file, or left to the caller (a device node). */
export type Leaf = 'directory' | 'file' | 'none';

export interface Target {
  readonly hostPath: string;
  /** What it is now (before the steps run); undefined when the plan creates it. */
  readonly type: ResolvedPath['type'];
}

/**
 * Resolves `path` inside `root` as the tree will be at this point of the plan and adds
 * the steps that create its missing components (directories 0755; umask is 0 here).
 * `what` names the config field for errors: `mounts[2].destination`.
 */
export function ensureTarget(
  b: PlanBuilder,
  tree: PlannedTree,
  root: string,
  path: string,
  leaf: Leaf,
  what: string,
): Target {
  let resolved: ResolvedPath;
  try {
    resolved = resolveInRoot(tree.view(), root, path);
  } catch (error) {
    throw new ConfigError(`${path}: ${error instanceof Error ? error.message : String(error)}`, { path: what, cause: error });
  }
  const { hostPath, missing } = resolved;
  if (missing.length === 0) return { hostPath, type: resolved.type };

  let current = hostPath.slice(0, hostPath.length - missing.join('/').length - 1);
  missing.forEach((name, i) => {
    current = `${current}/${name}`;
    const last = i === missing.length - 1;
    if (last && leaf === 'none') return;
    if (last && leaf === 'file') {
      // A bind mount of a file needs a file to mount over. O_NOFOLLOW: the path was
      // missing when planned; if a symlink appeared there since, fail rather than follow it.
      const fd = b.slot(`target-fd-${b.length}`);
      steps.openat(b, current, O.CREAT | O.NOFOLLOW | O.CLOEXEC, 0o644, fd, { label: `create ${current}` });
      steps.close(b, fd, { label: `close ${current}` });
      tree.created(current, 'file');
      return;
    }
    steps.mkdir(b, current, 0o755);
    tree.created(current, 'directory');
  });
  return { hostPath, type: undefined };
}
