// The native create path (DESIGN.md): a clone3 child of the parent's main thread runs
// the plan in the native executor. The parent's own namespaces are never touched:
// clone3 makes the pid namespace, the plan unshares the others in the child.
import { openSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { ContainerModel } from '@lc/config-types';
import { CLONE, CLONE_CLEAR_SIGHAND, type Plan, SIGNALS, type System } from '@lc/system';
import { cloneNamespaces } from './executor.js';
import { ERROR_READ_SLOT, ERROR_SLOT, STDIO_SLOTS, SYNC_SLOT, SYNC_WRITE_SLOT } from './init-protocol.js';
import type { LaunchedInit, ProcessEnd, StdioEntry } from './launched.js';

export function cloneInit(model: ContainerModel, plan: Plan, sys: System, stdio: readonly StdioEntry[]): LaunchedInit {
  const [syncRead, syncWrite] = sys.pipe();
  const [errorRead, errorWrite] = sys.pipe();
  const childEnds = [syncRead, errorWrite];
  const inputs: Record<string, number> = {
    [SYNC_SLOT]: syncRead,
    [ERROR_SLOT]: errorWrite,
    [SYNC_WRITE_SLOT]: syncWrite,
    [ERROR_READ_SLOT]: errorRead,
  };
  const parentEnds: (number | null)[] = [null, null, null];
  stdio.forEach((entry, fd) => {
    if (entry === 'inherit') return; // the child has the parent's 0, 1, 2 already
    let childEnd: number;
    if (typeof entry === 'number') childEnd = entry;
    else if (entry === 'ignore') childEnd = openSync('/dev/null', fd === 0 ? 'r' : 'w');
    else {
      const [read, write] = sys.pipe();
      childEnd = fd === 0 ? read : write;
      parentEnds[fd] = fd === 0 ? write : read;
    }
    if (typeof entry !== 'number') childEnds.push(childEnd);
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
      cloneFlags: BigInt(CLONE.VM | CLONE.PIDFD | cloneNamespaces(model)) | CLONE_CLEAR_SIGHAND,
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
  return watchChild(child, sys, syncWrite, errorRead, parentEnds);
}

/** Memory the native children read (their plans): referenced until they have died. */
const liveMemory = new Set<unknown>();

function watchChild(
  child: ReturnType<System['launchNative']>,
  sys: System,
  syncWrite: number,
  errorRead: number,
  parentEnds: readonly (number | null)[],
): LaunchedInit {
  const listeners: ((end: ProcessEnd) => void)[] = [];
  liveMemory.add(child.memory);
  let pidfd: number | null = child.pidfd;
  const watcher = sys.watchReadable(child.pidfd, () => {
    if (pidfd === null) return;
    const exit = sys.reapPidfd(pidfd);
    if (!exit) return;
    watcher.close();
    sys.close(pidfd);
    pidfd = null;
    liveMemory.delete(child.memory);
    for (const listener of listeners) listener(exit);
  });
  const input = (fd: number | null | undefined) => (fd == null ? null : new Socket({ fd, readable: false, writable: true }));
  // A socket reads from the start and can end before anyone listens; a PassThrough
  // holds the output, and its end, until it is read.
  const output = (fd: number | null | undefined) =>
    fd == null ? null : new Socket({ fd, readable: true, writable: false }).pipe(new PassThrough());
  return {
    pid: child.pid,
    syncWrite,
    errorRead,
    stdin: input(parentEnds[0]),
    stdout: output(parentEnds[1]),
    stderr: output(parentEnds[2]),
    onExit: (listener) => {
      listeners.push(listener);
    },
    kill: (signal) => {
      if (pidfd !== null) sys.signalPidfd(pidfd, signal);
    },
  };
}
