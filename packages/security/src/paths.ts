// Read-only and masked paths (the 2014 "restrictions", runc's readonlyPaths and
// maskedPaths). These steps run after pivot_root, so every path is a container path,
// and /proc and /sys are the container's own mounts.
import type { ContainerModel } from '@lc/config-types';
import { errnoNumber, ignoreErrno, MS, type PlanBuilder, type ResolvedPath, resolveInRoot, type System, steps } from '@lc/system';

const ENOENT = errnoNumber('ENOENT');

/**
 * Files among the /proc paths a container runtime masks. A masked path is hidden by
 * binding /dev/null over a file or an empty read-only tmpfs over a directory, and
 * the plan must choose when it is built: /proc is not mounted yet then, so it cannot
 * be looked at, and the plan's error policies can branch on a failure but not on a
 * success. procfs's layout is fixed by the kernel, so its files are known by name;
 * any other /proc or /sys path is taken for a directory (the /sys paths runtimes mask
 * are all directories). A file outside this list fails loudly (tmpfs over it: ENOTDIR)
 * rather than staying visible. Paths in the rootfs are looked at (pathSteps).
 */
const PROC_FILES = new Set([
  'interrupts',
  'kallsyms',
  'kcore',
  'key-users',
  'keys',
  'kmsg',
  'kpagecgroup',
  'kpagecount',
  'kpageflags',
  'latency_stats',
  'sched_debug',
  'softirqs',
  'sysrq-trigger',
  'timer_list',
  'timer_stats',
]);

/** Mount flags procfs and sysfs are mounted with (nosuid, nodev, noexec). */
const PSEUDO_FS_FLAGS = MS.NOSUID | MS.NODEV | MS.NOEXEC;

/**
 * `sys` looks at paths outside /proc and /sys in the rootfs as the plan is built (the
 * config's own `readonly_paths` and `mask_paths`): whether they exist, whether a masked
 * one is a directory, and the flags of the filesystem that holds a read-only one. A
 * config mount over such a path is not seen: the rootfs below it is.
 */
export function pathSteps(b: PlanBuilder, model: ContainerModel, sys: System): void {
  // Normalized ("/proc/kcore/" would fail with ENOTDIR), and the same path in labels.
  for (const path of model.readonlyPaths.map(normalize)) {
    if (isPseudo(path)) readonlyPath(b, path, PSEUDO_FS_FLAGS);
    else {
      const found = inRootfs(sys, model, path);
      if (found) readonlyPath(b, path, sys.mountFlags(found.hostPath));
    }
  }
  for (const path of model.maskedPaths.map(normalize)) {
    if (isPseudo(path)) maskPath(b, path, isProcFile(path) ? 'file' : 'directory', model.labels.mountLabel);
    else {
      const found = inRootfs(sys, model, path);
      if (found) maskPath(b, path, found.type === 'directory' ? 'directory' : 'file', model.labels.mountLabel);
    }
  }
}

/** A path of the rootfs, resolved inside it; undefined when it does not exist (nothing to do). */
function inRootfs(sys: System, model: ContainerModel, path: string): ResolvedPath | undefined {
  const resolved = resolveInRoot(sys, model.rootfs, path);
  return resolved.missing.length > 0 ? undefined : resolved;
}

function isPseudo(path: string): boolean {
  return isUnder(path, '/proc') || isUnder(path, '/sys');
}

/**
 * A read-only bind of the path onto itself. A path the kernel does not have (an absent
 * /proc/irq, /proc/bus) is skipped: both steps ignore ENOENT.
 */
function readonlyPath(b: PlanBuilder, path: string, locked: number): void {
  const skipMissing = { onError: ignoreErrno(ENOENT) };
  steps.mount(b, { source: path, target: path, flags: MS.BIND | MS.REC }, { label: `bind ${path} onto itself`, ...skipMissing });
  // A bind remount changes only the top mount's flags (MS_REC has no effect on it). In
  // a user namespace, flags the mount was created with (nosuid, nodev, noexec) are
  // locked: a remount that drops them fails with EPERM. /proc and /sys are not mounted
  // when the plan is built: paths there repeat the flags those filesystems get.
  steps.mount(
    b,
    { source: path, target: path, flags: MS.BIND | MS.REMOUNT | MS.RDONLY | locked },
    { label: `remount ${path} read-only`, ...skipMissing },
  );
}

function maskPath(b: PlanBuilder, path: string, kind: 'file' | 'directory', mountLabel: string | undefined): void {
  const skipMissing = { onError: ignoreErrno(ENOENT) };
  if (kind === 'file') {
    steps.mount(b, { source: '/dev/null', target: path, flags: MS.BIND }, { label: `mask ${path} with /dev/null`, ...skipMissing });
    return;
  }
  steps.mount(
    b,
    {
      source: 'tmpfs',
      target: path,
      fstype: 'tmpfs',
      flags: MS.RDONLY,
      ...(mountLabel ? { data: `context="${mountLabel}"` } : {}),
    },
    { label: `mask ${path} with a read-only tmpfs`, ...skipMissing },
  );
}

function isProcFile(path: string): boolean {
  const match = /^\/proc\/([^/]+)$/.exec(path);
  return match?.[1] !== undefined && PROC_FILES.has(match[1]);
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function normalize(path: string): string {
  return `/${path.split('/').filter((part) => part !== '' && part !== '.').join('/')}`;
}
