// What a dead container may leave running. With a pid namespace of its own, all its
// processes die with its PID 1. Without one, what it forked outlives its PID 1, and
// nsinit, in its cgroups: before those are removed, the processes in them are killed,
// as runc's delete does for such a container. Only in a directory that is the
// container's by its config (under a cgroup mount, ending in the configured
// parent/name), never in one a record merely names.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { readLayout } from '@lc/cgroups';
import { type Cgroup, LcError } from '@lc/config-types';
import { SIGNALS, SysError, type System } from '@lc/system';

export type CgroupName = Pick<Cgroup, 'name' | 'parent'>;

/** Whether `leaf` is where the config puts the container: `<a cgroup mount>/…/<parent>/<name>`. */
export function isContainerCgroup(leaf: string, cgroup: CgroupName): boolean {
  const relative = [...cgroup.parent.split('/').filter((segment) => segment !== ''), cgroup.name].join('/');
  // normalize() drops "..": a path that had one is not what it seems.
  if (!isAbsolute(leaf) || normalize(leaf) !== leaf || !leaf.endsWith(`/${relative}`)) return false;
  const layout = readLayout();
  const mounts = [...Object.values(layout.v1), ...(layout.unified ? [layout.unified] : [])];
  return mounts.some(({ mountPoint }) => leaf.startsWith(`${mountPoint}/`));
}

/** How long the processes of a cgroup get to be gone after SIGKILL. */
const KILL_PATIENCE_MS = 5000;

/**
 * SIGKILLs every process in the cgroup `leaf` and returns once none is left: the list is
 * read again until it is empty (a process forked meanwhile is in it, and a killed one
 * leaves it only once it has exited).
 */
export function killCgroupProcesses(sys: System, leaf: string): void {
  const deadline = Date.now() + KILL_PATIENCE_MS;
  for (let pids = processesIn(leaf); pids.length > 0; pids = processesIn(leaf)) {
    if (Date.now() > deadline) throw new LcError('CGROUP', `${leaf}: processes ${pids.join(', ')} outlived SIGKILL`);
    for (const pid of pids) killIfIn(sys, leaf, pid);
    sleepSync(2);
  }
}

/** Through a pidfd: once it holds the pid, the pid still listed in the cgroup is that process. */
function killIfIn(sys: System, leaf: string, pid: number): void {
  let pidfd: number;
  try {
    pidfd = sys.pidfdOpen(pid);
  } catch {
    return; // gone already
  }
  try {
    if (processesIn(leaf).includes(pid)) sys.signalPidfd(pidfd, SIGNALS.SIGKILL);
  } catch (error) {
    if (!(SysError.isInstance(error) && error.code === 'ESRCH')) throw error;
  } finally {
    sys.close(pidfd);
  }
}

function processesIn(leaf: string): number[] {
  let text: string;
  try {
    text = readFileSync(join(leaf, 'cgroup.procs'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
