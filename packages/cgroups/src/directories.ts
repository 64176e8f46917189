// Making and removing cgroup directories. mkdir(2) on cgroupfs creates a cgroup; rmdir(2)
// removes one and fails with EBUSY while it still has processes or child cgroups.
import { join } from 'node:path';
import { CgroupError, errnoCode, wrapCgroupError } from './cgroup-error.js';
import type { CgroupFiles } from './cgroup-files.js';

/**
 * Makes every level of `relative` under `base` (which must exist: it is this process's own
 * cgroup) and returns the directories it made, outermost first. `onLevel` runs for each
 * level, new or not, before the next one is made (v1 cpuset fills a level in first).
 */
export function makeDirectories(
  files: CgroupFiles,
  base: string,
  relative: string,
  made: string[],
  onLevel?: (dir: string, parent: string) => void,
): void {
  let parent = base;
  for (const segment of relative.split('/').filter((s) => s !== '')) {
    const dir = join(parent, segment);
    try {
      files.mkdir(dir);
      made.push(dir);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw wrapCgroupError('create', `mkdir ${dir}`, error, dir);
    }
    onLevel?.(dir, parent);
    parent = dir;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Delays between rmdir attempts: an exiting process leaves its cgroup a little after exit. */
const RETRY_DELAYS_MS = [10, 20, 40, 80, 160];

/**
 * Removes one cgroup directory. ENOENT is success. EBUSY (processes or child cgroups left)
 * is retried briefly, then thrown — unless `shared`, for parents another container may
 * still use, where EBUSY means "leave it".
 */
export function removeDirectory(files: CgroupFiles, dir: string, shared = false): void {
  for (let attempt = 0; ; attempt++) {
    try {
      files.rmdir(dir);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT') return;
      const busy = code === 'EBUSY' || code === 'ENOTEMPTY';
      if (busy && shared) return;
      const delay = RETRY_DELAYS_MS[attempt];
      if (!busy || delay === undefined) {
        throw new CgroupError(code ?? 'CGROUP', `cgroups.destroy: rmdir ${dir}: ${code ?? String(error)}`, {
          cause: error,
          path: dir,
        });
      }
      sleepSync(delay);
    }
  }
}

/** Deepest first, so children go before their parents. */
export function deepestFirst(dirs: Iterable<string>): string[] {
  return [...new Set(dirs)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}
