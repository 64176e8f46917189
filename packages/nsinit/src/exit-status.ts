// How a container's process ended, the way a shell reports it.
import { constants } from 'node:os';
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
