// The container directory's record of a running container, as the 2014 nsinit kept
// it: `pid` (the host pid of the container's PID 1) and `start` (field 22 of
// /proc/<pid>/stat), so a recycled pid is never mistaken for the container.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoNumber, LOCK_EX, LOCK_NB, SysError, type System } from '@lc/system';
import { ContainerRunningError } from './errors.js';

export interface RecordedContainer {
  readonly pid: number;
  readonly start: string;
}

/** The start time of a process in clock ticks since boot, or undefined if it is gone. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[22 - 3];
}

export function writeState(dir: string, container: RecordedContainer): void {
  writeFileSync(join(dir, 'pid'), `${container.pid}`);
  writeFileSync(join(dir, 'start'), container.start);
}

export function removeState(dir: string): void {
  rmSync(join(dir, 'pid'), { force: true });
  rmSync(join(dir, 'start'), { force: true });
}

/** The container recorded in `dir` if that process still runs; a stale record reads as none. */
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
  return processStartTime(pid) === start ? { pid, start } : undefined;
}

/**
 * Takes the container directory for this process: an exclusive flock on the
 * directory, held (close-on-exec, so never by the container) until the container
 * has exited and its record is gone. Two starts in one directory cannot both win,
 * and a crashed nsinit releases it with its death. Returns the release function.
 */
export function lockContainerDir(sys: System, dir: string): () => void {
  const fd = openSync(dir, 'r');
  try {
    sys.flock(fd, LOCK_EX | LOCK_NB);
  } catch (error) {
    closeSync(fd);
    if (SysError.isInstance(error) && error.errno === errnoNumber('EWOULDBLOCK')) {
      throw new ContainerRunningError(dir, runningContainer(dir)?.pid);
    }
    throw error;
  }
  // A record left by an nsinit that died (its container died with it): stale.
  if (!runningContainer(dir)) removeState(dir);
  let held = true;
  return () => {
    if (held) closeSync(fd);
    held = false;
  };
}
