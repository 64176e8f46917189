// Mounting through fds: the steps every mount of a plan is made of.
//
// A path string in a plan is resolved when its step runs, and a container that shares a
// writable directory with another can swap a directory for a symlink in between
// (renameat2 RENAME_EXCHANGE): mount(2) on "<rootfs>/vol/x" then lands wherever the
// symlink points on the host (CVE-2021-30465). So a target is opened at run time with
// openat2(RESOLVE_IN_ROOT) from an fd of the container's root — a swapped path can only
// lead somewhere else inside that root — and the mount is attached to that fd with
// move_mount. The mount itself is made detached first (open_tree for a bind, fsopen and
// fsmount for a new filesystem), its attributes set there (mount_setattr), before
// anything in the container can see it. The fds live in temporary slots (PlanBuilder
// `temporary`), closed and released as soon as the mount is attached.
import { AT_EMPTY_PATH, O } from './constants.js';
import {
  AT_RECURSIVE,
  FSCONFIG,
  FSMOUNT_CLOEXEC,
  FSOPEN_CLOEXEC,
  MOVE_MOUNT,
  OPEN_TREE,
  RESOLVE,
} from './mount-api.js';
import type { ArgInput, PlanBuilder, SlotRef } from './plan.js';
import * as steps from './plan-steps.js';

/**
 * How every container path is resolved: below the root fd, and never through a
 * /proc/<pid>/fd-style magic link (it would jump out of any root).
 */
export const IN_ROOT = RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS;

/**
 * openat2(root, path, O_PATH|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) into a
 * temporary slot: an fd of what `path` names inside `root` now, to mount on or create in.
 * With `directory`, anything else fails (ENOTDIR).
 */
export function openInRoot(b: PlanBuilder, root: ArgInput, path: string, kind: 'directory' | 'any', label: string, name = 'target'): SlotRef {
  const fd = b.temporary(name);
  const flags = O.PATH | O.CLOEXEC | (kind === 'directory' ? O.DIRECTORY : 0);
  steps.openat2(b, root, path, { flags, resolve: IN_ROOT }, fd, { label });
  return fd;
}

/** Closes a temporary fd and gives its slot back. */
export function closeTemporary(b: PlanBuilder, fd: SlotRef, label: string): void {
  steps.close(b, fd, { label });
  b.release(fd);
}

/** One fsconfig option: `key=value`, or a flag (`newinstance`) without a value. */
export interface FilesystemOption {
  readonly key: string;
  readonly value?: string;
}

export interface NewFilesystem {
  readonly fstype: string;
  /** What mountinfo shows as the source ("proc", "tmpfs", "shm"). */
  readonly source?: string;
  readonly options?: readonly FilesystemOption[];
  /** MOUNT_ATTR_* of the new mount. */
  readonly attributes: number;
}

/**
 * A new filesystem as a detached mount in a temporary slot: fsopen, one fsconfig per
 * option, FSCONFIG_CMD_CREATE, fsmount with its attributes (read-only, nosuid... set
 * before it is attached anywhere); the filesystem context is closed again.
 */
export function newMount(b: PlanBuilder, fs: NewFilesystem, label: string, name = 'mount'): SlotRef {
  const context = b.temporary('fs');
  steps.fsopen(b, fs.fstype, FSOPEN_CLOEXEC, context, { label: `${label}: fsopen ${fs.fstype}` });
  const options = fs.source === undefined ? fs.options ?? [] : [{ key: 'source', value: fs.source }, ...(fs.options ?? [])];
  for (const option of options) {
    if (option.value === undefined) {
      steps.fsconfig(b, context, FSCONFIG.SET_FLAG, option.key, null, { label: `${label}: option ${option.key}` });
    } else {
      steps.fsconfig(b, context, FSCONFIG.SET_STRING, option.key, option.value, { label: `${label}: option ${option.key}=${option.value}` });
    }
  }
  steps.fsconfig(b, context, FSCONFIG.CMD_CREATE, null, null, { label: `${label}: create the ${fs.fstype} filesystem` });
  const mount = b.temporary(name);
  steps.fsmount(b, context, FSMOUNT_CLOEXEC, fs.attributes, mount, { label: `${label}: fsmount` });
  closeTemporary(b, context, `${label}: close the filesystem context`);
  return mount;
}

/**
 * open_tree(OPEN_TREE_CLONE): a detached copy of the mount at `path` (resolved from
 * `dir`), or of the one `dir` itself is when `path` is "". With `recursive`, the mounts
 * below it come along (a bind without them would show what they hide).
 */
export function cloneMount(b: PlanBuilder, dir: ArgInput, path: string, recursive: boolean, label: string): SlotRef {
  const fd = b.temporary('source');
  const flags = OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC | (recursive ? AT_RECURSIVE : 0) | (path === '' ? AT_EMPTY_PATH : 0);
  steps.openTree(b, dir, path, flags, fd, { label });
  return fd;
}

/** move_mount(mount, "", target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH): attaches a detached mount on an opened target. */
export function attachMount(b: PlanBuilder, mount: SlotRef, target: SlotRef, label: string): number {
  return steps.moveMount(b, mount, '', target, '', MOVE_MOUNT.F_EMPTY_PATH | MOVE_MOUNT.T_EMPTY_PATH, { label });
}

/**
 * Mounts the detached `mount` on what `path` names inside `root` (opened there and then,
 * `kind` checked), and closes both fds.
 */
export function attachInRoot(b: PlanBuilder, mount: SlotRef, root: ArgInput, path: string, kind: 'directory' | 'any', label: string): void {
  const target = openInRoot(b, root, path, kind, `${label}: open ${path}`);
  attachMount(b, mount, target, `${label}: attach`);
  closeTemporary(b, target, `${label}: close ${path}`);
  closeTemporary(b, mount, `${label}: close the mount`);
}

/**
 * A mount(2) data string as fsconfig options: split at commas outside double quotes
 * (an SELinux context="a:b:c1,c2" keeps its comma), the quotes dropped (mount(2) drops
 * them too before the LSM sees the value).
 */
export function parseMountOptions(data: string | undefined): FilesystemOption[] {
  if (data === undefined || data === '') return [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of data) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals === -1) return { key: part };
      return { key: part.slice(0, equals), value: part.slice(equals + 1).replaceAll('"', '') };
    });
}
