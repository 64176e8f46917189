// The handle create() and exec() give for a process they started: its stdio as asked,
// wait() for its status (once its output reached the caller's streams), kill and
// disposal. Its `signal` and `timeout` hold until it is gone, and then nothing of it
// stays behind in this process: no abort listener, no timer, no pipe or listener on
// the caller's streams.
import type { Readable, Writable } from 'node:stream';
import type { System } from '@lc/system';
import type { ContainerTerminal } from './container-console.js';
import { startError } from './errors.js';
import type { ContainerProcess, ExitStatus } from './exit-status.js';
import type { StdioEntry } from './launched.js';
import { resolveStdio, type StdioOptions } from './stdio-streams.js';
import { type StopOptions, stopConditions } from './stop-conditions.js';

export interface ProcessOptions extends StopOptions {
  /**
   * Per fd: 'pipe' (the handle's stream), 'inherit', 'ignore', an fd, or a stream (one
   * with an open `fd` is passed as that fd, others are piped and not ended); or one
   * mode for all three. Default: 'pipe'.
   */
  readonly stdio?: StdioOptions;
  readonly sys?: System;
}

export interface ProcessHandle extends AsyncDisposable {
  /** Its pid on the host. */
  readonly pid: number;
  /** Its stdin when that is 'pipe', else null. Closed at its exit. */
  readonly stdin: Writable | null;
  /** Its output when that is 'pipe', else null: held until read, even after its exit. */
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** With `tty: true`: its pty (stdin and stdout are the master's streams, stderr is null). */
  readonly terminal: ContainerTerminal | null;
  /**
   * Its status once it has exited and its piped output was written to the caller's
   * streams; rejects with an LcError ABORTED or TIMEOUT when `signal` or `timeout` killed it.
   */
  wait(): Promise<ExitStatus>;
  /** Sends `signal` (default SIGTERM); false once it has exited. */
  kill(signal?: NodeJS.Signals | number): boolean;
  /** `await using`: kills it (SIGKILL) if it still runs, and waits until it is gone. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartedProcess {
  readonly handle: ProcessHandle;
  /** Resolves at its exit (after its launcher released what it held), never rejects. */
  readonly exited: Promise<ExitStatus>;
}

/**
 * Starts a process with `start` and follows it. Stopped (signal, timeout) while it
 * started, it is killed as soon as it runs, and this rejects once it is gone.
 */
export async function startProcess(
  dir: string,
  subject: string,
  options: ProcessOptions,
  start: (stdio: readonly [StdioEntry, StdioEntry, StdioEntry]) => Promise<ContainerProcess>,
): Promise<StartedProcess> {
  const stdio = resolveStdio(options.stdio);
  const stop = stopConditions(subject, options);
  let process: ContainerProcess;
  try {
    process = await start(stdio.entries);
  } catch (error) {
    stop.dispose();
    throw startError(dir, error);
  }
  const connected = stdio.connect(process);
  let running = true;
  const exited = process.exited.then((status) => {
    running = false;
    stop.dispose();
    connected.release();
    return status;
  });
  stop.attach(() => process.kill('SIGKILL'));
  const settled = Promise.all([exited, connected.flushed]).then(([status]) => status);
  const wait = async () => {
    const status = await settled;
    if (stop.reason) throw stop.reason;
    return status;
  };
  const handle: ProcessHandle = {
    pid: process.pid,
    stdin: connected.stdin,
    stdout: connected.stdout,
    stderr: connected.stderr,
    terminal: process.terminal,
    wait,
    kill: (signal = 'SIGTERM') => running && process.kill(signal),
    [Symbol.asyncDispose]: async () => {
      if (running) process.kill('SIGKILL');
      await settled;
    },
  };
  if (stop.reason) {
    await settled;
    throw stop.reason;
  }
  return { handle, exited };
}
