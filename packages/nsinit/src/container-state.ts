// The container directory's record of a running container, as the 2014 nsinit kept
// it: `pid` (the host pid of the container's PID 1) and `start` (field 22 of
// /proc/<pid>/stat), so a recycled pid is never mistaken for the container.
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoNumber, LOCK_EX, LOCK_NB, SysError, type System } from '@lc/system';
import { removeLeftCgroups } from './container-cgroups.js';
import { removeLeftNetworks } from './container-network.js';
import { ContainerRunningError } from './errors.js';
import type { CgroupName } from './left-processes.js';

export interface RecordedContainer {
  readonly pid: number;
  readonly start: string;
}

/** The start time of a process in clock ticks since boot, or undefined if it is gone. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[22 - 3];
}

/** Fields 3 and on of /proc/<pid>/stat; undefined when there is no such process. */
function statFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function writeState(dir: string, container: RecordedContainer): void {
  writeFileSync(join(dir, 'pid'), `${container.pid}`);
  writeFileSync(join(dir, 'start'), container.start);
}

export function removeState(dir: string): void {
  for (const name of ['pid', 'start']) {
    try {
      unlinkSync(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** The container recorded in `dir` if that process still runs; a stale record (or a zombie) reads as none. */
export function runningContainer(dir: string): RecordedContainer | undefined {
  let pid: number;
  let start: string;
  try {
    pid = Number.parseInt(readFileSync(join(dir, 'pid'), 'utf8'), 10);
    start = readFileSync(join(dir, 'start'), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const fields = statFields(pid);
  // A zombie (Z) has exited: its namespaces are gone, only a wait is missing — one
  // orphaned by a killed nsinit waits for whoever reaps orphans here.
  const alive = fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X';
  return alive && fields[22 - 3] === start ? { pid, start } : undefined;
}

/**
 * Takes the container directory for this process: an exclusive flock on the
 * directory, held (close-on-exec, so never by a container) until the container has
 * exited and its record is gone. Two starts in one directory cannot both win, and a
 * crashed nsinit releases it with its death. Returns the release function.
 *
 * A clone3 child gets a copy of the parent's fd table, so while another container of
 * this process is being set up its child briefly holds this lock too (until its
 * exec closes the copy). A busy lock with no container recorded in the directory is
 * therefore retried for a while before it counts as another start in progress.
 */
export async function lockContainerDir(sys: System, dir: string, cgroup: CgroupName | undefined): Promise<() => void> {
  const deadline = Date.now() + LOCK_PATIENCE_MS;
  for (let wait = 1; ; wait = Math.min(2 * wait, 50)) {
    const release = tryLock(sys, dir, cgroup);
    if (release) return release;
    const running = runningContainer(dir);
    if (running || Date.now() >= deadline) throw new ContainerRunningError(dir, running?.pid);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const LOCK_PATIENCE_MS = 2000;

function tryLock(sys: System, dir: string, cgroup: CgroupName | undefined): (() => void) | undefined {
  const fd = openSync(dir, 'r');
  try {
    sys.flock(fd, LOCK_EX | LOCK_NB);
  } catch (error) {
    closeSync(fd);
    if (SysError.isInstance(error) && error.errno === errnoNumber('EWOULDBLOCK')) return undefined;
    throw error;
  }
  // Left by an nsinit that died, or cgroups that could not be removed at exit: the
  // container is dead, what it made goes. If that fails the lock goes too (it would
  // otherwise be held until this process exits), and the records stay for a next try.
  try {
    if (!runningContainer(dir)) {
      removeLeftNetworks(dir, sys);
      removeLeftCgroups(dir, sys, cgroup);
      removeState(dir);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let held = true;
  return () => {
    if (held) closeSync(fd);
    held = false;
  };
}
