// What `docker run -it` does on the caller's side of a container's terminal: the
// caller's terminal in raw mode, its keys relayed to the container's terminal and the
// container's output to the caller's screen, and the caller's window size copied to
// the container's terminal at attach and at every resize.
import type { Readable, Writable } from 'node:stream';
import type { System } from '@lc/system';
import { enterRawMode, isTerminalInput, type RawMode } from './raw-mode.js';
import type { TerminalStreams } from './terminal-streams.js';
import { callerWindowSize, DEFAULT_WINDOW_SIZE } from './window-size.js';

export interface AttachTerminalOptions {
  readonly sys: System;
  /** The pty master the streams are over: window sizes are set on it. */
  readonly master: number;
  /** From terminalStreams(master). */
  readonly streams: TerminalStreams;
  /** The caller's input. Default: process.stdin. */
  readonly stdin?: NodeJS.ReadStream | Readable;
  /** The caller's output; never ended by the attachment. Default: process.stdout. */
  readonly stdout?: NodeJS.WriteStream | Writable;
  /** Emits 'SIGWINCH' when the caller's terminal was resized. Default: process. */
  readonly resizeEvents?: NodeJS.EventEmitter;
}

export interface TerminalAttachment extends Disposable {
  /**
   * Resolves once the relay is over and what it wrote to stdout was flushed: when the
   * output ended (the attachment then detaches itself), or after detach(). Rejects
   * when the output failed. A rejection nobody awaits is not an unhandled one.
   */
  readonly done: Promise<void>;
  /**
   * Stops relaying, removes every listener the attachment added, pauses stdin (a
   * flowing process.stdin would keep the process alive) and puts the caller's
   * terminal back in its mode. Idempotent. The streams stay open: the output is held
   * for whoever reads it next, and the master closes at its end.
   */
  detach(): void;
}

export function attachTerminal(options: AttachTerminalOptions): TerminalAttachment {
  const { sys, master } = options;
  const { input, output } = options.streams;
  const stdin: Readable = options.stdin ?? process.stdin;
  const stdout: Writable = options.stdout ?? process.stdout;
  const resizeEvents = options.resizeEvents ?? process;

  let settle: (error?: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  done.catch(() => {});

  // An output that already ended has closed its master: its number is not ours to use.
  if (output.readableEnded || output.destroyed) {
    settle();
    return { done, detach: () => {}, [Symbol.dispose]: () => {} };
  }

  const copySize = (): boolean => {
    const size = callerWindowSize(sys, stdin, stdout);
    if (size) sys.setWindowSize(master, size);
    return size !== undefined;
  };
  const hasTerminal = copySize();
  if (!hasTerminal) {
    const size = sys.windowSize(master);
    if (size.rows === 0 && size.columns === 0) sys.setWindowSize(master, DEFAULT_WINDOW_SIZE);
  }

  const stdinIsTerminal = isTerminalInput(stdin);
  const rawMode: RawMode | undefined = stdinIsTerminal ? enterRawMode(stdin, sys) : undefined;

  let detached = false;
  const onResize = () => {
    copySize();
  };
  const onEnd = () => finish();
  const onClose = () => finish(); // destroyed before its end
  const onError = (error: Error) => finish(error);
  const finish = (error?: Error) => {
    if (detached) return;
    detached = true;
    stdin.unpipe(input);
    stdin.pause();
    output.unpipe(stdout);
    output.off('end', onEnd);
    output.off('close', onClose);
    output.off('error', onError);
    resizeEvents.off('SIGWINCH', onResize);
    rawMode?.restore();
    void flushed(stdout).then(() => settle(error));
  };

  output.once('end', onEnd);
  output.once('close', onClose);
  output.once('error', onError);
  if (hasTerminal) resizeEvents.on('SIGWINCH', onResize);
  // A terminal's input does not end (a ^D is typed, and relayed as a byte); a pipe's
  // or a file's end is the container's end of input: VEOF (terminal-input.ts).
  stdin.pipe(input, { end: !stdinIsTerminal });
  // stdout is the caller's: the container's end is not its end.
  output.pipe(stdout, { end: false });

  return { done, detach: () => finish(), [Symbol.dispose]: () => finish() };
}

/** Resolves once what was written to `stream` so far has left it. */
function flushed(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || !stream.writable) return Promise.resolve();
  // Write callbacks run in order: this one runs after every earlier write's.
  return new Promise((resolve) => stream.write('', () => resolve()));
}
