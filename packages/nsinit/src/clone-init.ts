// The native path (DESIGN.md): a clone3 child of the parent's main thread runs the plan
// in the native executor. The parent's own namespaces are never touched: the plan's
// fork makes the user and pid namespaces (or enters the container's), and the process
// unshares the others itself.
//
// The child shares Node's memory only until the plan re-execs the executor (@lc/system
// native-elf.ts); its inputs — stdio, the sync and error pipes, namespace fds — are all
// it keeps across that exec, at the fds init-protocol.ts names.
import { fstatSync, openSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { CLONE, CLONE_CLEAR_SIGHAND, type NativeChild, type Plan, REPORT_FLAG, SIGNALS, type System } from '@lc/system';
import { type ErrorPipe, errorPipe, initError } from './error-record.js';
import { ERROR_RECORD_SIZE, ERROR_SLOT, STDIO_SLOTS, SYNC_SLOT } from './init-protocol.js';
import type { LaunchedInit, ProcessEnd, StdioEntry } from './launched.js';

/**
 * Starts a plan that forks the process to follow (start-steps.ts, join-plan.ts): the
 * clone3 child re-execs the executor, forks, reports the fork's pid down the error
 * pipe and exits. The fork is a child of this process (CLONE_PARENT), in the new or
 * the container's namespaces. `inputs` fill the plan's inputs beside the pipes and
 * stdio (a network namespace, the namespaces to join).
 */
export async function cloneForked(
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  inputs: Readonly<Record<string, number>>,
): Promise<LaunchedInit> {
  const launched = launch(plan, sys, stdio, inputs);
  const { child } = launched;
  const [exit, report] = await Promise.all([ended(sys, child.pidfd), launched.errors.read(ERROR_RECORD_SIZE)]);
  // The forking side has exited: nothing reads the plan's memory any more.
  child.release();
  sys.close(child.pidfd);
  const reported = report.length === ERROR_RECORD_SIZE && (report.readUInt32LE(0) & REPORT_FLAG) !== 0;
  if (exit.code !== 0 || !reported) {
    // It failed before the fork: its error record says why.
    for (const fd of [launched.syncWrite, ...launched.parentEnds]) if (fd !== null) sys.close(fd);
    const record = Buffer.concat([report, await launched.errors.rest()]);
    throw record.length >= ERROR_RECORD_SIZE ? initError(plan, record) : new Error(`the clone3 child ended with ${JSON.stringify(exit)}`);
  }
  // The fork is this process's child (CLONE_PARENT), a zombie at worst: the pid is
  // safe. Only lc's processes hold the error pipe; still, never follow a pid that is
  // not our own child.
  const pid = report.readUInt32LE(4);
  const pidfd = sys.pidfdOpen(pid);
  if (parentOf(pid) !== process.pid) {
    sys.close(pidfd);
    throw new Error(`the reported process ${pid} is not this process's child`);
  }
  return watchChild(pid, pidfd, sys, launched);
}

interface Launched {
  readonly child: NativeChild;
  readonly syncWrite: number;
  readonly errors: ErrorPipe;
  readonly parentEnds: readonly (number | null)[];
}

function launch(plan: Plan, sys: System, stdio: readonly StdioEntry[], extraInputs: Readonly<Record<string, number>>): Launched {
  const [syncRead, syncWrite] = sys.pipe();
  const [errorRead, errorWrite] = sys.pipe();
  const childEnds = [syncRead, errorWrite];
  const inputs: Record<string, number> = { ...extraInputs, [SYNC_SLOT]: syncRead, [ERROR_SLOT]: errorWrite };
  const parentEnds: (number | null)[] = [null, null, null];
  // Every one of fds 0, 1, 2 is an input the plan places (steps.placeInputs): the
  // parent's own ones are close-on-exec (Node) and would not survive the re-exec.
  [0, 1, 2].forEach((fd) => {
    const entry = stdio[fd] ?? 'inherit';
    let childEnd: number;
    if (entry === 'inherit' || typeof entry === 'number') {
      const source = entry === 'inherit' ? fd : entry;
      if (isOpen(source)) {
        inputs[STDIO_SLOTS[fd]!] = source; // the child gets a copy, ours stays
        return;
      }
      childEnd = openSync('/dev/null', fd === 0 ? 'r' : 'w'); // closed here: /dev/null there
    } else if (entry === 'ignore') childEnd = openSync('/dev/null', fd === 0 ? 'r' : 'w');
    else {
      const [read, write] = sys.pipe();
      childEnd = fd === 0 ? read : write;
      parentEnds[fd] = fd === 0 ? write : read;
    }
    childEnds.push(childEnd);
    inputs[STDIO_SLOTS[fd]!] = childEnd;
  });

  let child: NativeChild;
  try {
    child = sys.launchNative({
      plan,
      inputs,
      // CLONE_VM: no copy of Node's page tables (the plan re-execs the executor into an
      // address space of its own, and only its fork enters a namespace); no namespaces
      // here: CLONE_CLEAR_SIGHAND: Node's handlers must never run in the child, on the
      // shared heap; CLONE_PIDFD: wait and kill without pid races.
      cloneFlags: BigInt(CLONE.VM | CLONE.PIDFD) | CLONE_CLEAR_SIGHAND,
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
  return { child, syncWrite, errors: errorPipe(errorRead), parentEnds };
}

/** Field 4 of /proc/<pid>/stat, after the command in parentheses (which may hold any byte). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** How the process behind `pidfd` ended. */
function ended(sys: System, pidfd: number): Promise<ProcessEnd> {
  return new Promise<ProcessEnd>((resolve) => {
    const watcher = sys.watchReadable(pidfd, () => {
      const end = sys.reapPidfd(pidfd);
      if (!end) return;
      watcher.close();
      resolve(end);
    });
  });
}

function watchChild(pid: number, pidfd: number, sys: System, launched: Launched): LaunchedInit {
  const listeners: ((end: ProcessEnd) => void)[] = [];
  let open = true;
  const watcher = sys.watchReadable(pidfd, () => {
    if (!open) return;
    const exit = sys.reapPidfd(pidfd);
    if (!exit) return;
    watcher.close();
    sys.close(pidfd);
    open = false;
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

function launchedStreams(launched: Launched): Pick<LaunchedInit, 'syncWrite' | 'errors' | 'stdin' | 'stdout' | 'stderr'> {
  const [stdin, stdout, stderr] = launched.parentEnds;
  const input = (fd: number | null | undefined) => (fd == null ? null : new Socket({ fd, readable: false, writable: true }));
  // A socket reads from the start and can end before anyone listens; a PassThrough
  // holds the output, and its end, until it is read.
  const output = (fd: number | null | undefined) =>
    fd == null ? null : new Socket({ fd, readable: true, writable: false }).pipe(new PassThrough());
  return {
    syncWrite: launched.syncWrite,
    errors: launched.errors,
    stdin: input(stdin),
    stdout: output(stdout),
    stderr: output(stderr),
  };
}
