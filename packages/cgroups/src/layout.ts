// Which cgroup hierarchies the host has, from /proc/self/mountinfo, and where this
// process sits in each, from /proc/self/cgroup.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** v1: only v1 hierarchies; hybrid: v1 plus a cgroup2 (systemd's "unified"); v2: cgroup2 only. */
export type LayoutKind = 'v1' | 'hybrid' | 'v2';

export interface CgroupMount {
  readonly mountPoint: string;
  /** The hierarchy path mounted there: "/" unless a sub-tree is bind-mounted (cgroup namespaces). */
  readonly root: string;
}

export interface Layout {
  readonly kind: LayoutKind;
  /** v1 controller (and `name=` hierarchy) → its mount; co-mounted controllers share one. */
  readonly v1: Readonly<Record<string, CgroupMount>>;
  readonly unified?: CgroupMount | undefined;
}

/** Where a process sits: v1 controller → hierarchy path, and its cgroup2 path. */
export interface ProcessCgroups {
  readonly v1: Readonly<Record<string, string>>;
  readonly unified?: string | undefined;
}

// Super options that are not controllers.
const NOT_CONTROLLERS = new Set(['rw', 'ro', 'clone_children', 'noprefix', 'xattr', 'cpuset_v2_mode', 'none']);

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The layout described by a mountinfo text (proc(5): `id parent dev root point opts [tags] - fstype source super`). */
export function parseLayout(mountinfo: string): Layout {
  const v1: Record<string, CgroupMount> = {};
  let unified: CgroupMount | undefined;
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    if (separator < 6) continue;
    const fstype = fields[separator + 1];
    const root = unescapeMountField(fields[3] ?? '/');
    const mountPoint = unescapeMountField(fields[4] ?? '');
    if (fstype === 'cgroup2') {
      // The first one wins: later ones are usually bind mounts of the same hierarchy.
      unified ??= { mountPoint, root };
    } else if (fstype === 'cgroup') {
      for (const option of (fields[separator + 3] ?? '').split(',')) {
        if (NOT_CONTROLLERS.has(option) || option.startsWith('release_agent=')) continue;
        v1[option] ??= { mountPoint, root };
      }
    }
  }
  const hasV1 = Object.keys(v1).some((name) => !name.startsWith('name='));
  const kind: LayoutKind = hasV1 ? (unified === undefined ? 'v1' : 'hybrid') : 'v2';
  return unified === undefined ? { kind, v1 } : { kind, v1, unified };
}

/** Parses /proc/<pid>/cgroup: `0::/path` is cgroup2, `N:cpu,cpuacct:/path` a v1 hierarchy. */
export function parseProcessCgroups(text: string): ProcessCgroups {
  const v1: Record<string, string> = {};
  let unified: string | undefined;
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers === '') unified = path;
    else for (const controller of controllers.split(',')) v1[controller] = path;
  }
  return unified === undefined ? { v1 } : { v1, unified };
}

/** The host's layout, read from /proc/self/mountinfo. */
export function readLayout(): Layout {
  return parseLayout(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Where this process sits, read from /proc/self/cgroup. */
export function readProcessCgroups(): ProcessCgroups {
  return parseProcessCgroups(readFileSync('/proc/self/cgroup', 'utf8'));
}

/** The v1 controllers a container gets a directory in (2014 also joined perf_event). */
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'perf_event'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/**
 * A cgroupfs shaped the usual way under `root` (for tests, or a host mounting it elsewhere):
 * v1 `<root>/<controller>`, v2 `<root>`, hybrid both with cgroup2 at `<root>/unified`.
 */
export function conventionalLayout(root: string, kind: LayoutKind): Layout {
  const unified = { mountPoint: kind === 'v2' ? root : join(root, 'unified'), root: '/' };
  if (kind === 'v2') return { kind, v1: {}, unified };
  const v1: Record<string, CgroupMount> = {};
  for (const controller of V1_CONTROLLERS) v1[controller] = { mountPoint: join(root, controller), root: '/' };
  return kind === 'hybrid' ? { kind, v1, unified } : { kind, v1 };
}

/**
 * The directory of hierarchy path `path` under `mount`: a bind-mounted sub-tree (root not
 * "/") holds the paths below its root, so that prefix is taken off.
 */
export function mountedPath(mount: CgroupMount, path: string): string {
  const root = mount.root === '/' ? '' : mount.root;
  const relative = root !== '' && (path === root || path.startsWith(`${root}/`)) ? path.slice(root.length) : path;
  return join(mount.mountPoint, relative);
}
