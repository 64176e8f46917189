// What either executor's launcher hands back: a process that waits on the sync pipe
// for the parent's go, and the parent's ends of everything that leads to it.
import type { Readable, Writable } from 'node:stream';
import type { ErrorPipe } from './error-record.js';

export type StdioEntry = 'pipe' | 'inherit' | 'ignore' | number;

/**
 * Whether the process simply keeps the parent's fd: 'inherit', or the fd's own number
 * (dup3 of an fd onto itself fails with EINVAL).
 */
export function inherits(entry: StdioEntry, fd: number): boolean {
  return entry === 'inherit' || entry === fd;
}

export interface ProcessEnd {
  /** The exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: number | null;
}

export interface LaunchedInit {
  readonly pid: number;
  /** Write one byte to let the plan go on; close it to abort. */
  readonly syncWrite: number;
  /** EOF when the user's program was exec'd; an error record when a step failed. */
  readonly errors: ErrorPipe;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Called once, when the process has exited and been reaped. */
  onExit(listener: (end: ProcessEnd) => void): void;
  kill(signal: number): void;
}
