// What the rootfs will look like when a step runs, not when the plan is built.
//
// The whole plan is built up front in the parent, but each mount changes what later
// paths resolve to: after the tmpfs on /dev, the rootfs's own /dev entries are hidden;
// after a bind, paths below the target are the source's. Resolving a later target
// (a mount on /dev/shm, a device in /dev/net) against the disk as it is now would plan
// a mkdir of something that will already exist, or miss a symlink that will. So every
// mount and every entry the plan creates is recorded here, and `view()` answers lstat
// and readlink as the kernel will at that point of the plan.
import { errnoNumber, type FileInfo, type FileType, type PathLookup, SysError, type System } from '@lc/system';

type Event =
  /** `source` is the host directory shown at `at` (a bind), undefined for a new empty fs. */
  | { readonly kind: 'mount'; readonly at: string; readonly source: string | undefined }
  | { readonly kind: 'create'; readonly path: string; readonly type: FileType; readonly target?: string };

export class PlannedTree {
  readonly #sys: System;
  readonly #events: Event[] = [];

  constructor(sys: System) {
    this.#sys = sys;
  }

  /** A mount at host path `at`: of host path `source` (bind, proc, sysfs) or a new empty fs. */
  mounted(at: string, source?: string): void {
    this.#events.push({ kind: 'mount', at, source });
  }

  created(path: string, type: FileType, target?: string): void {
    this.#events.push(target === undefined ? { kind: 'create', path, type } : { kind: 'create', path, type, target });
  }

  lstat(path: string): FileInfo {
    const found = this.#find(path);
    if (found.kind === 'host') return this.#sys.lstat(found.path);
    if (found.kind === 'missing') throw new SysError('lstat', errnoNumber('ENOENT'), { path });
    return { type: found.type, mode: found.type === 'symlink' ? 0o777 : 0o755, uid: 0, gid: 0 };
  }

  readlink(path: string): string {
    const found = this.#find(path);
    if (found.kind === 'host') return this.#sys.readlink(found.path);
    if (found.kind === 'missing') throw new SysError('readlink', errnoNumber('ENOENT'), { path });
    if (found.target === undefined) throw new SysError('readlink', errnoNumber('EINVAL'), { path });
    return found.target;
  }

  /** Lookups that see the planned tree (for resolveInRoot). */
  view(): PathLookup {
    return { lstat: (path) => this.lstat(path), readlink: (path) => this.readlink(path) };
  }

  // The newest event that decides `path`: an entry created at it, or a mount on it or
  // on one of its parents (a later mount hides whatever was there before).
  #find(
    path: string,
  ):
    | { readonly kind: 'host'; readonly path: string }
    | { readonly kind: 'missing' }
    | { readonly kind: 'planned'; readonly type: FileType; readonly target?: string } {
    for (let i = this.#events.length - 1; i >= 0; i--) {
      const event = this.#events[i]!;
      if (event.kind === 'create') {
        if (event.path === path) return { kind: 'planned', type: event.type, ...targetOf(event) };
        continue;
      }
      if (path !== event.at && !path.startsWith(`${event.at}/`)) continue;
      if (event.source !== undefined) return { kind: 'host', path: event.source + path.slice(event.at.length) };
      return path === event.at ? { kind: 'planned', type: 'directory' } : { kind: 'missing' };
    }
    return { kind: 'host', path };
  }
}

function targetOf(event: { readonly target?: string }): { target?: string } {
  return event.target === undefined ? {} : { target: event.target };
}
