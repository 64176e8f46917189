// The seam to the kernel. Everything above @lc/system takes a `System` so it can be
// unit-tested against the recording fake in `@lc/system/testing` and run for real
// with `linuxSystem()`.
import type { NativeChild, NativeLaunchInput } from './native/native-launch.js';
import type { Arch } from './syscall-numbers.js';

export type FileType = 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

export interface FileInfo {
  readonly type: FileType;
  /** Permission bits (0o755), without the file type. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export type NamespaceFile = 'mnt' | 'uts' | 'ipc' | 'pid' | 'net' | 'user' | 'cgroup';

/** How a child ended: an exit code, or the signal that killed it. */
export type ProcessExit = { readonly code: number; readonly signal: null } | { readonly code: null; readonly signal: number };

/** A pty pair, both ends close-on-exec and without O_NOCTTY's opposite: neither becomes the caller's controlling tty. */
export interface Pty {
  readonly master: number;
  readonly slave: number;
  /** The slave's path in the host's devpts, /dev/pts/N. */
  readonly path: string;
}

/** A terminal's size in character cells (struct winsize, without the unused pixels). */
export interface WindowSize {
  readonly rows: number;
  readonly columns: number;
}

export interface System {
  readonly arch: Arch;

  /** lstat(2): never follows a final symlink. Throws SysError (ENOENT...). */
  lstat(path: string): FileInfo;
  readlink(path: string): string;
  /** The whole file as UTF-8. Throws SysError. */
  readFile(path: string): string;
  /** The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap). */
  capLastCap(): number;

  /** pipe2(O_CLOEXEC): [read end, write end]. */
  pipe(): [number, number];
  close(fd: number): void;
  /** Opens /proc/<pid>/ns/<kind> O_RDONLY|O_CLOEXEC. */
  openNamespace(pid: number | 'self', kind: NamespaceFile): number;
  /** unshare(2) on the calling (main) thread. */
  unshare(flags: number): void;
  setns(fd: number, nstype: number): void;
  /** flock(2): LOCK_EX, LOCK_SH, LOCK_UN, with LOCK_NB. */
  flock(fd: number, operation: number): void;

  /**
   * A raw system call: arguments are 64-bit values (pointers already resolved).
   * Returns the result, or throws SysError with the errno. Used by the executor.
   */
  syscall(name: string, nr: number, args: readonly bigint[]): bigint;
  /** The address of a buffer, for pointer arguments of `syscall`. */
  addressOf(buffer: Uint8Array): bigint;

  /** Starts a plan in a clone3 child run by the native executor (x86-64 only). */
  launchNative(input: NativeLaunchInput): NativeChild;
  /** waitid(P_PIDFD, WEXITED|WNOHANG): how the child ended, or undefined while it runs. */
  reapPidfd(pidfd: number): ProcessExit | undefined;
  /** pidfd_open(2), close-on-exec. */
  pidfdOpen(pid: number): number;
  /** pidfd_send_signal(2): no race with a recycled pid. */
  signalPidfd(pidfd: number, signal: number): void;
  /**
   * Opens /dev/ptmx, unlocks its slave and opens that too (TIOCGPTPEER). With `root`
   * (a container's root, /proc/<pid>/root): the ptmx of the devpts at <root>/dev/pts,
   * resolved inside `root`, so the pty is the container's own (`path` is its path there).
   */
  openPty(root?: string): Pty;
  /**
   * TCGETS: the terminal's kernel `struct termios` (c_iflag, c_oflag, c_cflag, c_lflag as
   * 32-bit words, c_line, c_cc[19]), as bytes.
   */
  terminalMode(fd: number): Uint8Array;
  /** TCSETS: applies a `struct termios` from terminalMode, at once. */
  setTerminalMode(fd: number, mode: Uint8Array): void;
  /** TIOCGWINSZ. */
  windowSize(fd: number): WindowSize;
  /** TIOCSWINSZ: the kernel sends SIGWINCH to the terminal's foreground process group. */
  setWindowSize(fd: number, size: WindowSize): void;
  /** Calls `onReadable` on the main thread when `fd` becomes readable (an exited pidfd). */
  watchReadable(fd: number, onReadable: () => void): { close(): void };
}
