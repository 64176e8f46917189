// The caller's terminal size, for the container's terminal.
import type { Readable, Writable } from 'node:stream';
import type { System, WindowSize } from '@lc/system';

/**
 * What a pty has before anyone sized it is 0x0, which programs read as "no size" and
 * handle badly (`stty size` says 0 0, some editors draw nothing). Without a terminal on
 * the caller's side, a container's terminal gets the VT100's 24x80 instead.
 */
export const DEFAULT_WINDOW_SIZE: WindowSize = { rows: 24, columns: 80 };

interface MaybeTerminal {
  readonly isTTY?: boolean;
  readonly fd?: unknown;
  readonly rows?: unknown;
  readonly columns?: unknown;
}

/**
 * The size of the caller's terminal, or undefined when it has none. Asked of the
 * kernel (TIOCGWINSZ) when the stream has an fd, as process.stdout and process.stdin
 * have: a tty.WriteStream's `columns` and `rows` are refreshed by Node only for
 * process.stdout, on its own SIGWINCH listener. A terminal stdout without an fd gives
 * its `columns` and `rows`.
 */
export function callerWindowSize(sys: System, stdin: Readable, stdout: Writable): WindowSize | undefined {
  const out = stdout as MaybeTerminal;
  const fd = terminalFd(out) ?? terminalFd(stdin as MaybeTerminal);
  if (fd !== undefined) return sys.windowSize(fd);
  if (out.isTTY === true && isSize(out.rows) && isSize(out.columns)) return { rows: out.rows, columns: out.columns };
  return undefined;
}

function terminalFd(stream: MaybeTerminal): number | undefined {
  return stream.isTTY === true && typeof stream.fd === 'number' ? stream.fd : undefined;
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && value > 0;
}
