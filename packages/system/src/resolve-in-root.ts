// Resolves a path inside a root directory the way the kernel would if `root` were
// `/`: `..` stops at the root and a symlink, absolute or relative, is followed inside
// it. A symlink in a container's rootfs can therefore never lead a mount or a mkdir
// out of it. Like filepath-securejoin, it only reads; missing components are
// returned for the plan to create.
import { SysError } from './sys-error.js';
import type { System } from './system.js';

const MAX_SYMLINKS = 40; // the kernel's limit (ELOOP)
const ELOOP = 40;
const ENOTDIR = 20;

export interface ResolvedPath {
  /** The host path, symlinks resolved, always under `root`. */
  readonly hostPath: string;
  /** Components of `hostPath` that do not exist yet, outermost first. */
  readonly missing: readonly string[];
  /** What the last existing component is when nothing is missing. */
  readonly type: 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket' | undefined;
}

/** What resolution reads: a real System, or a view of a tree as a plan will leave it. */
export type PathLookup = Pick<System, 'lstat' | 'readlink'>;

export function resolveInRoot(sys: PathLookup, root: string, path: string): ResolvedPath {
  const base = root.replace(/\/+$/, '');
  const resolved: string[] = [];
  let pending = split(path);
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === '..') {
      resolved.pop();
      continue;
    }
    const hostPath = join(base, [...resolved, name]);
    let info: ReturnType<System['lstat']>;
    try {
      info = sys.lstat(hostPath);
    } catch (error) {
      if (SysError.isInstance(error) && error.code === 'ENOENT') {
        const missing = [name, ...rest.filter((part) => part !== '..')];
        if (rest.includes('..')) throw new SysError('resolve', 2, { path: join(base, [...resolved, name]) });
        return { hostPath: join(base, [...resolved, ...missing]), missing, type: undefined };
      }
      throw error;
    }
    if (info.type === 'symlink') {
      if (++links > MAX_SYMLINKS) throw new SysError('resolve', ELOOP, { path: hostPath });
      const target = sys.readlink(hostPath);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...split(target), ...pending];
      continue;
    }
    if (pending.length > 0 && info.type !== 'directory') throw new SysError('resolve', ENOTDIR, { path: hostPath });
    resolved.push(name);
    if (pending.length === 0) return { hostPath, missing: [], type: info.type };
  }
  return { hostPath: join(base, resolved), missing: [], type: 'directory' };
}

function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

function join(base: string, parts: readonly string[]): string {
  return parts.length === 0 ? base || '/' : `${base}/${parts.join('/')}`;
}
