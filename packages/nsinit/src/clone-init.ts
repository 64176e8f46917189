// The native create path (DESIGN.md): a clone3 child of the parent's main thread runs
// the plan in the native executor. The parent's own namespaces are never touched:
// clone3 makes the pid namespace, the plan unshares the others in the child.
import { openSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { ContainerModel } from '@lc/config-types';
import { CLONE, CLONE_CLEAR_SIGHAND, F_DUPFD_CLOEXEC, type Plan, SIGNALS, type System, syscallNumber } from '@lc/system';
import { initError, readToEnd } from './error-record.js';
import { cloneNamespaces } from './executor.js';
import { ERROR_READ_SLOT, ERROR_SLOT, NETNS_SLOT, STDIO_SLOTS, SYNC_SLOT, SYNC_WRITE_SLOT } from './init-protocol.js';
import { inherits, type LaunchedInit, type ProcessEnd, type StdioEntry } from './launched.js';

export function cloneInit(
  model: ContainerModel,
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  netns?: number,
): LaunchedInit {
  const launched = launch(plan, sys, stdio, cloneNamespaces(model), netns === undefined ? {} : { [NETNS_SLOT]: netns });
  return watchChild(launched.child.pid, launched.child.pidfd, launched.child.memory, sys, launched);
}

/**
 * Starts a join plan (join-plan.ts): the clone3 child enters the container's
 * namespaces and forks; the fork, a child of this process inside the container's pid
 * namespace, is the process to follow. `namespaceFds` fill the plan's inputs.
 */
export async function cloneJoined(
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  namespaceFds: Readonly<Record<string, number>>,
  forkedSlot: number,
): Promise<LaunchedInit> {
  const launched = launch(plan, sys, stdio, 0, namespaceFds);
  const { child } = launched;
  liveMemory.add(child.memory);
  const exit = await new Promise<ProcessEnd>((resolve) => {
    const watcher = sys.watchReadable(child.pidfd, () => {
      const end = sys.reapPidfd(child.pidfd);
      if (!end) return;
      watcher.close();
      resolve(end);
    });
  });
  sys.close(child.pidfd);
  const pid = Number(child.slot(forkedSlot));
  if (exit.code !== 0 || pid <= 0) {
    // It failed before the fork (entering a namespace): its error record says why.
    liveMemory.delete(child.memory);
    for (const fd of [launched.syncWrite, ...launched.parentEnds]) if (fd !== null) sys.close(fd);
    const record = await readToEnd(launched.errorRead);
    throw record.length > 0 ? initError(plan, record) : new Error(`joining: the clone3 child ended with ${JSON.stringify(exit)}`);
  }
  // The fork is this process's child (CLONE_PARENT), a zombie at worst: the pid is safe.
  return watchChild(pid, sys.pidfdOpen(pid), child.memory, sys, launched);
}

interface Launched {
  readonly child: ReturnType<System['launchNative']>;
  readonly syncWrite: number;
  readonly errorRead: number;
  readonly parentEnds: readonly (number | null)[];
}

function launch(
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  namespaces: number,
  extraInputs: Readonly<Record<string, number>>,
): Launched {
  const [syncRead, syncWrite] = sys.pipe();
  const [errorRead, errorWrite] = sys.pipe();
  const childEnds = [syncRead, errorWrite];
  const inputs: Record<string, number> = {
    ...extraInputs,
    [SYNC_SLOT]: syncRead,
    [ERROR_SLOT]: errorWrite,
    [SYNC_WRITE_SLOT]: syncWrite,
    [ERROR_READ_SLOT]: errorRead,
  };
  const parentEnds: (number | null)[] = [null, null, null];
  stdio.forEach((entry, fd) => {
    if (inherits(entry, fd)) return; // the child has the parent's 0, 1, 2 already
    let childEnd: number;
    if (typeof entry === 'number') {
      if (entry > 2) {
        inputs[STDIO_SLOTS[fd]!] = entry; // the caller's: the child gets a copy, ours stays
        return;
      }
      // The plan puts fds 0, 1, 2 in place in that order: an input that is one of them
      // (stdio [0, 2, 1]) would be overwritten before its turn. A copy above 2 is not.
      childEnd = duplicateAbove2(sys, entry);
    } else if (entry === 'ignore') childEnd = openSync('/dev/null', fd === 0 ? 'r' : 'w');
    else {
      const [read, write] = sys.pipe();
      childEnd = fd === 0 ? read : write;
      parentEnds[fd] = fd === 0 ? write : read;
    }
    childEnds.push(childEnd);
    inputs[STDIO_SLOTS[fd]!] = childEnd;
  });

  let child: ReturnType<System['launchNative']>;
  try {
    child = sys.launchNative({
      plan,
      inputs,
      // CLONE_VM: no copy of Node's page tables; CLONE_CLEAR_SIGHAND: Node's handlers
      // must never run in the child, on the shared heap; CLONE_PIDFD: wait and kill
      // without pid races.
      cloneFlags: BigInt(CLONE.VM | CLONE.PIDFD | namespaces) | CLONE_CLEAR_SIGHAND,
      exitSignal: SIGNALS.SIGCHLD,
      errorFd: errorWrite,
    });
  } catch (error) {
    for (const fd of [syncWrite, errorRead, ...parentEnds]) if (fd !== null) sys.close(fd);
    throw error;
  } finally {
    // The child holds its own copies now.
    for (const fd of childEnds) sys.close(fd);
  }
  return { child, syncWrite, errorRead, parentEnds };
}

function duplicateAbove2(sys: System, fd: number): number {
  return Number(sys.syscall('fcntl F_DUPFD_CLOEXEC', syscallNumber('fcntl', sys.arch), [BigInt(fd), BigInt(F_DUPFD_CLOEXEC), 3n]));
}

/** Memory the native children read (their plans): referenced until they have died. */
const liveMemory = new Set<unknown>();

function watchChild(pid: number, pidfd: number, memory: unknown, sys: System, launched: Launched): LaunchedInit {
  const listeners: ((end: ProcessEnd) => void)[] = [];
  liveMemory.add(memory);
  let open = true;
  const watcher = sys.watchReadable(pidfd, () => {
    if (!open) return;
    const exit = sys.reapPidfd(pidfd);
    if (!exit) return;
    watcher.close();
    sys.close(pidfd);
    open = false;
    liveMemory.delete(memory);
    for (const listener of listeners) listener(exit);
  });
  return {
    ...launchedStreams(launched),
    pid,
    onExit: (listener) => {
      listeners.push(listener);
    },
    kill: (signal) => {
      if (open) sys.signalPidfd(pidfd, signal);
    },
  };
}

function launchedStreams(launched: Launched): Pick<LaunchedInit, 'syncWrite' | 'errorRead' | 'stdin' | 'stdout' | 'stderr'> {
  const [stdin, stdout, stderr] = launched.parentEnds;
  const input = (fd: number | null | undefined) => (fd == null ? null : new Socket({ fd, readable: false, writable: true }));
  // A socket reads from the start and can end before anyone listens; a PassThrough
  // holds the output, and its end, until it is read.
  const output = (fd: number | null | undefined) =>
    fd == null ? null : new Socket({ fd, readable: true, writable: false }).pipe(new PassThrough());
  return {
    syncWrite: launched.syncWrite,
    errorRead: launched.errorRead,
    stdin: input(stdin),
    stdout: output(stdout),
    stderr: output(stderr),
  };
}
