// What either executor's launcher hands back: a process that waits on the sync pipe
// for the parent's go, and the parent's ends of everything that leads to it.
import type { Readable, Writable } from 'node:stream';

export type StdioEntry = 'pipe' | 'inherit' | 'ignore' | number;

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
  readonly errorRead: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Called once, when the process has exited and been reaped. */
  onExit(listener: (end: ProcessEnd) => void): void;
  kill(signal: number): void;
}
