// A process nsinit started (a container's PID 1, or one joined to it), and how it
// ended, the way a shell reports it.
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { ContainerTerminal } from './container-console.js';
import type { ProcessEnd } from './launched.js';

export interface ExitStatus {
  /** The exit code, or 128 + the signal number when a signal ended the process. */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
}

export function exitStatus(end: ProcessEnd): ExitStatus {
  if (end.signal === null) return { exitCode: end.code ?? 0, signal: null };
  const name = Object.entries(constants.signals).find(([, value]) => value === end.signal)?.[0];
  return { exitCode: 128 + end.signal, signal: (name as NodeJS.Signals | undefined) ?? null };
}

export function signalNumber(signal: NodeJS.Signals | number): number {
  return typeof signal === 'number' ? signal : constants.signals[signal];
}

export interface ContainerProcess {
  /** Its pid on the host. */
  readonly pid: number;
  /** Its stdin when it is 'pipe', else null. */
  readonly stdin: Writable | null;
  /**
   * Its output when it is 'pipe', else null. Held from the start (with backpressure):
   * the output of a process that exits before anyone reads it is kept.
   */
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** With `tty: true`: the pty whose slave the process has as its terminal (stdin and stdout are its master). */
  readonly terminal: ContainerTerminal | null;
  /** Resolves when it has exited and everything it held is released. */
  readonly exited: Promise<ExitStatus>;
  kill(signal?: NodeJS.Signals | number): boolean;
  /** `await using`: kills it (SIGKILL) if it still runs, and waits until it is gone. */
  [Symbol.asyncDispose](): Promise<void>;
}
