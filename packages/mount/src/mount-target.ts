// Mount targets and device paths are container paths, and they are resolved twice.
//
// As the plan is built, inside the rootfs against the planned tree (a symlink followed
// as if the rootfs were /, so `/r/data -> /etc` means /r/etc, never the host's /etc):
// only to decide which steps to add — what looks missing and must be created, a
// directory or a file — and to report a config that cannot work before anything runs.
//
// When the steps run, every one of them opens its path again with openat2
// (RESOLVE_IN_ROOT) from the rootfs fd and creates or mounts through that fd: another
// container sharing a volume may have swapped a directory and a symlink since the plan
// was built (CVE-2021-30465), and the plan-time answer is then simply wrong. A wrong
// guess fails the step (ENOENT, ENOTDIR...) with the config field in its label, or
// lands somewhere else inside the rootfs: never outside it.
import { posix } from 'node:path';
import { ConfigError } from '@lc/config-types';
import {
  errnoNumber,
  ignoreErrno,
  mountSteps,
  type PlanBuilder,
  type ResolvedPath,
  resolveInRoot,
  S_IFREG,
  type SlotRef,
  steps,
} from '@lc/system';
import type { PlannedTree } from './planned-tree.js';

/** The container's root: an fd of it for the steps, its host path for planning. */
export interface Rootfs {
  /** The slot of the rootfs fd (the self-bind, opened by the plan). */
  readonly fd: SlotRef;
  readonly hostPath: string;
}

/** What the last component must be when it is missing: created as a directory or an
 * empty file, or left to the caller (a device node). */
export type Leaf = 'directory' | 'file' | 'none';

export interface Target {
  /** The path inside the container, symlinks resolved as planned: what the steps open. */
  readonly path: string;
  /** The same path on the host, for the planned tree. */
  readonly hostPath: string;
  /** What it is now (before the steps run); undefined when the plan creates it. */
  readonly type: ResolvedPath['type'];
}

const EEXIST = errnoNumber('EEXIST');

/**
 * Resolves `path` as the tree will be at this point of the plan and adds the steps that
 * create its missing components (directories 0755, an empty file 0644; umask is 0 here),
 * each in its parent opened from the rootfs fd. Something already there when the step
 * runs is no error (EEXIST): whatever it is, the open that follows checks it.
 * `what` names the config field for errors: `mounts[2].destination`.
 */
export function ensureTarget(b: PlanBuilder, tree: PlannedTree, root: Rootfs, path: string, leaf: Leaf, what: string): Target {
  let resolved: ResolvedPath;
  try {
    resolved = resolveInRoot(tree.view(), root.hostPath, path);
  } catch (error) {
    throw new ConfigError(`${path}: ${error instanceof Error ? error.message : String(error)}`, { path: what, cause: error });
  }
  const { hostPath, missing } = resolved;
  const target = { path: containerPath(root, hostPath), hostPath, type: resolved.type };
  // The parent of the first missing component.
  let dir = posix.join(target.path, ...missing.map(() => '..'));
  missing.forEach((name, i) => {
    const current = posix.join(dir, name);
    const last = i === missing.length - 1;
    if (last && leaf === 'none') return;
    const file = last && leaf === 'file';
    inDirectory(b, root, dir, what, (parent) => {
      const options = { onError: ignoreErrno(EEXIST) };
      // A bind mount of a file needs a file to mount over: mknod of S_IFREG makes an
      // empty one, and like mkdirat it never follows a symlink someone put there.
      if (file) steps.mknodAt(b, parent, name, S_IFREG | 0o644, 0, { label: `${what}: create ${current}`, ...options });
      else steps.mkdirAt(b, parent, name, 0o755, { label: `${what}: mkdir ${current}`, ...options });
    });
    tree.created(posix.join(root.hostPath, current), file ? 'file' : 'directory');
    dir = current;
  });
  return target;
}

/** Opens directory `dir` of the container from the rootfs fd, adds `create`'s steps in it, closes it. */
export function inDirectory(b: PlanBuilder, root: Rootfs, dir: string, what: string, create: (parent: SlotRef) => void): void {
  const parent = mountSteps.openInRoot(b, root.fd, dir, 'directory', `${what}: open ${dir}`, 'parent');
  create(parent);
  mountSteps.closeTemporary(b, parent, `${what}: close ${dir}`);
}

function containerPath(root: Rootfs, hostPath: string): string {
  const base = root.hostPath.replace(/\/+$/, '');
  return hostPath.slice(base.length) || '/';
}
