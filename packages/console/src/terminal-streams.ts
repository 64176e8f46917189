// The parent's side of a container's terminal: Node streams over the pty master.
import type { Readable, Writable } from 'node:stream';
import { linuxSystem, O, type System, syscallNumber } from '@lc/system';
import { MasterStream } from './master-stream.js';
import { TerminalInput } from './terminal-input.js';

const F_GETFL = 3;
const F_SETFL = 4;

export interface TerminalStreams {
  /**
   * What the container reads from its terminal. `end()` sends VEOF (^D; twice after a
   * partial line), which a canonical-mode reader reads as end of file; the master is
   * not closed by it. Input the container can no longer read (no one has the slave
   * open) is dropped.
   */
  readonly input: Writable;
  /**
   * What the container writes to its terminal. Held in the kernel until read, even
   * after the container exited; ends (no 'error') once no one has the slave open and
   * everything was read, and then closes the master.
   */
  readonly output: Readable;
}

/**
 * Streams over a pty master, which they own from now on: it is closed once the output
 * ended, or when `output` is destroyed. Sets the master O_NONBLOCK.
 */
export function terminalStreams(master: number, sys: System = linuxSystem()): TerminalStreams {
  // Non-blocking before libuv sees it: input must never wait in write(2), and the
  // output's rest (master-stream.ts) must never wait in read(2).
  const number = syscallNumber('fcntl', sys.arch);
  const flags = sys.syscall('fcntl F_GETFL', number, [BigInt(master), BigInt(F_GETFL)]);
  sys.syscall('fcntl F_SETFL', number, [BigInt(master), BigInt(F_SETFL), flags | BigInt(O.NONBLOCK)]);
  const output = new MasterStream(master);
  return { input: new TerminalInput(output), output };
}
