// Test helpers: real ptys, and reading streams until something arrives (no sleeps).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ReadStream, WriteStream } from 'node:tty';
import { linuxSystem, O, type Pty } from '@lc/system';

export const sys = linuxSystem();

export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * A container's terminal: a process on the slave (fds 0, 1 and 2), and the parent's
 * copy of the slave closed, as nsinit does once the process holds its own.
 */
export function containerOnPty(pty: Pty, script: string): ChildProcess {
  const child = spawn('sh', ['-c', script], { stdio: [pty.slave, pty.slave, pty.slave] });
  closeSync(pty.slave);
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * The user's terminal: the test types into and reads from its master; the attachment
 * gets its slave as stdin (with `fd`, as process.stdin has) and, through a second fd
 * on the slave, as stdout (a tty.WriteStream without `fd`).
 */
export interface UserTerminal {
  readonly pty: Pty;
  readonly stdin: ReadStream & { readonly fd: number };
  readonly stdout: WriteStream;
  /** What the user's screen shows, as it arrives. */
  readonly screen: ReadStream;
  close(): Promise<void>;
}

export function userTerminal(): UserTerminal {
  const pty = sys.openPty();
  const stdoutFd = openSync(pty.path, O.RDWR | O.NOCTTY | O.CLOEXEC);
  const stdin = Object.assign(new ReadStream(pty.slave), { fd: pty.slave });
  const stdout = new WriteStream(stdoutFd);
  const screen = new ReadStream(pty.master);
  return {
    pty,
    stdin,
    stdout,
    screen,
    close: async () => {
      await Promise.all([stdin, stdout, screen].map((stream) => closed(stream)));
      // libuv reopens a slave for its handle and closes only that copy: the fds
      // given to tty.ReadStream and tty.WriteStream stay open.
      closeSync(pty.slave);
      closeSync(stdoutFd);
    },
  };
}

/** Destroys `stream` and resolves once its fd is closed. */
export function closed(stream: Readable | WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  const done = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.destroy();
  return done;
}

/** Reads `stream` until `text` has arrived (or fails at its end); leaves it paused. */
export function readUntil(stream: Readable, text: string | RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const found = () => (typeof text === 'string' ? seen.includes(text) : text.test(seen));
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (found()) stop(() => resolve(seen));
    };
    const onEnd = () => stop(() => reject(new Error(`ended before ${String(text)}; read ${JSON.stringify(seen)}`)));
    const onError = (error: Error) => stop(() => reject(error));
    const stop = (then: () => void) => {
      stream.pause();
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      then();
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  });
}

export interface ReadToEnd {
  readonly bytes: Buffer;
  /** 'error' events seen before the end: none is expected from a terminal's output. */
  readonly errors: readonly Error[];
}

/** Reads `stream` to its 'close', recording its 'error' events. */
export function readToClose(stream: Readable): Promise<ReadToEnd> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const errors: Error[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => errors.push(error));
    stream.once('close', () => resolve({ bytes: Buffer.concat(chunks), errors }));
    stream.resume();
  });
}
