// The stdio a caller of create() or exec() asks for, in the forms child_process and
// execa take, turned into what the launchers take (a StdioEntry per fd) and, once the
// process runs, into pipes between the caller's streams and the process's.
import type { Readable, Writable } from 'node:stream';
import { LcError } from '@lc/config-types';
import type { ContainerProcess } from './exit-status.js';
import type { StdioEntry } from './launched.js';

/** fd 0: as for the launchers, or a stream the process reads (piped unless it has an fd). */
export type StdinOption = StdioEntry | Readable;
/** fd 1 and 2: as for the launchers, or a stream the output goes to (piped unless it has an fd). */
export type OutputOption = StdioEntry | Writable;
/** One mode for all three fds, or one option per fd. */
export type StdioOptions = 'pipe' | 'inherit' | 'ignore' | readonly [StdinOption, OutputOption, OutputOption];

export interface ResolvedStdio {
  /** What the launchers get. */
  readonly entries: readonly [StdioEntry, StdioEntry, StdioEntry];
  /** Pipes the caller's streams to and from the process, once it runs. */
  connect(process: ContainerProcess): ConnectedStdio;
}

export interface ConnectedStdio {
  /** The process's own streams, for the fds that are 'pipe'; null for the others. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves once the output piped into the caller's streams has all been written to them. */
  readonly flushed: Promise<void>;
  /** At the process's exit: stops reading the caller's stdin stream. */
  release(): void;
}

export function resolveStdio(stdio: StdioOptions = 'pipe'): ResolvedStdio {
  const [input, output, errors] = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  const entries = [entryOf(input, 0), entryOf(output, 1), entryOf(errors, 2)] as const;
  return {
    entries,
    connect: (process) => connect(process, piped(input, entries[0]), [piped(output, entries[1]), piped(errors, entries[2])]),
  };
}

/** The caller's stream when it is piped (it has no fd), else null. */
function piped<S extends Readable | Writable>(option: StdioEntry | S, entry: StdioEntry): S | null {
  return entry === 'pipe' && typeof option === 'object' ? option : null;
}

function entryOf(option: StdinOption | OutputOption, fd: number): StdioEntry {
  if (option === 'pipe' || option === 'inherit' || option === 'ignore') return option;
  const stream = typeof option === 'object' && option !== null;
  if (stream && typeof (fd === 0 ? (option as Readable).read : (option as Writable).write) !== 'function') {
    throw new LcError('INVALID_ARGUMENT', `stdio[${fd}]: expected a ${fd === 0 ? 'readable' : 'writable'} stream`);
  }
  // An fs or tty stream with an open fd: the process gets the fd itself, with no pipe
  // through this process. Any other stream (an fs stream still opening: fd null) is piped.
  const number: unknown = stream ? (option as { fd?: unknown }).fd : option;
  if (stream && typeof number !== 'number') return 'pipe';
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
    throw new LcError('INVALID_ARGUMENT', `stdio[${fd}]: expected 'pipe', 'inherit', 'ignore', an fd or a stream`);
  }
  return number;
}

function connect(process: ContainerProcess, input: Readable | null, outputs: readonly (Writable | null)[]): ConnectedStdio {
  const stdin = process.stdin;
  if (input && stdin) {
    // The process may exit without reading it all: EPIPE is its business, not an error here.
    stdin.on('error', () => {});
    input.pipe(stdin);
  }
  const sources = [process.stdout, process.stderr];
  const flushes = outputs.map((target, index) => {
    const source = sources[index];
    return target && source ? pipeOutput(source, target) : undefined;
  });
  return {
    stdin: input ? null : stdin,
    stdout: outputs[0] ? null : process.stdout,
    stderr: outputs[1] ? null : process.stderr,
    flushed: Promise.all(flushes).then(() => {}),
    release: () => {
      // Unpiped, the caller's stream (process.stdin, say) is paused and keeps no
      // listener of ours. (The process's own stdin pipe is closed at its exit by
      // startContainer / execInContainer.)
      if (input && stdin) input.unpipe(stdin);
    },
  };
}

/**
 * Pipes one output into the caller's stream without ending it (one stream may take both
 * outputs, or be process.stdout). Resolves when the source is unpiped: at its end, or
 * early when the target failed or closed — the rest of the output is then read and
 * dropped, so that the process never blocks on a full pipe.
 */
function pipeOutput(source: Readable, target: Writable): Promise<void> {
  return new Promise((resolve) => {
    const onUnpipe = (from: Readable) => {
      if (from !== source) return;
      target.off('unpipe', onUnpipe);
      if (!source.readableEnded) source.resume();
      resolve();
    };
    target.on('unpipe', onUnpipe);
    source.pipe(target, { end: false });
  });
}
