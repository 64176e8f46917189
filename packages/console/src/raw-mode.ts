// The caller's terminal in raw mode while it is attached: every key goes to the
// container as typed (^C is a byte for the container's terminal to turn into SIGINT,
// not a signal to this process), and echo is the container's terminal's to do.
import type { Readable } from 'node:stream';
import type { System } from '@lc/system';
import { makeRaw } from './termios.js';

/** A caller's input that is a terminal: process.stdin on a tty, or a tty.ReadStream. */
export interface TerminalInputStream extends Readable {
  readonly isTTY: true;
  readonly isRaw: boolean;
  setRawMode(mode: boolean): unknown;
}

export function isTerminalInput(stream: Readable): stream is TerminalInputStream {
  const candidate = stream as Partial<TerminalInputStream>;
  return candidate.isTTY === true && typeof candidate.setRawMode === 'function';
}

export interface RawMode {
  /** Puts back the mode the terminal had; idempotent. */
  restore(): void;
}

/**
 * Raw mode on `stdin` until `restore()`. Also restored at the process's 'exit' (a
 * process.exit() while attached), so no way out leaves the caller's shell raw; fatal
 * signals are Node's: it resets the termios of its own stdio.
 */
export function enterRawMode(stdin: TerminalInputStream, sys: System): RawMode {
  const previous = stdin.isRaw;
  // Node's raw mode first: libuv saves the terminal's mode and puts it back at
  // setRawMode(false) and at Node's exit. Then what it leaves on (output processing).
  stdin.setRawMode(true);
  const fd = (stdin as { fd?: unknown }).fd;
  if (typeof fd === 'number') sys.setTerminalMode(fd, makeRaw(sys.terminalMode(fd)));
  const restore = () => {
    process.off('exit', restore);
    stdin.setRawMode(previous);
  };
  process.on('exit', restore);
  let restored = false;
  return {
    restore: () => {
      if (restored) return;
      restored = true;
      restore();
    },
  };
}
