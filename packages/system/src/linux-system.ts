// The real `System`: libc through koffi for process calls, node:fs for reads.
import { fstatSync, lstatSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { O, TIOC } from './constants.js';
import { errnoNumber } from './errno.js';
import { addressOf, lastErrno, libc, pollReadable } from './libc.js';
import { makedev } from './makedev.js';
import { launchNative, type NativeChild, type NativeLaunchInput } from './native/native-launch.js';
import { SysError } from './sys-error.js';
import { type Arch, hostArch, syscallNumber } from './syscall-numbers.js';
import type { FileInfo, FileType, NamespaceFile, ProcessExit, Pty, System, WindowSize } from './system.js';


// waitid(2) on a pidfd, and the siginfo_t fields it fills (SIGCHLD layout).
const P_PIDFD = 3n;
const WNOHANG = 1n;
const WEXITED = 4n;
const SIGINFO_SIZE = 128;
const SIGINFO_CODE = 8;
const SIGINFO_PID = 16;
const SIGINFO_STATUS = 24;
const CLD_EXITED = 1;

// openat2(2): struct open_how is { flags, mode, resolve }, 64 bits each.
const OPEN_HOW_SIZE = 24;
const RESOLVE_NO_MAGICLINKS = 0x02n;
const RESOLVE_IN_ROOT = 0x10n;
// struct statfs on LP64 (f_type first); the magic of a devpts.
const STATFS_SIZE = 120;
const DEVPTS_SUPER_MAGIC = 0x1cd1n;

// The kernel's struct termios (asm-generic): four 32-bit flag words, c_line, c_cc[19].
const TERMIOS_SIZE = 36;

let instance: LinuxSystem | undefined;

/** The process-wide real system. */
export function linuxSystem(): System {
  instance ??= new LinuxSystem();
  return instance;
}

class LinuxSystem implements System {
  readonly arch: Arch = hostArch();

  lstat(path: string): FileInfo {
    const stat = fsCall(() => lstatSync(path));
    return { type: fileType(stat), mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  }

  readlink(path: string): string {
    return fsCall(() => readlinkSync(path));
  }

  readFile(path: string): string {
    return fsCall(() => readFileSync(path, 'utf8'));
  }

  capLastCap(): number {
    return Number.parseInt(this.readFile('/proc/sys/kernel/cap_last_cap'), 10);
  }

  pipe(): [number, number] {
    const fds = new Int32Array(2);
    check('pipe2', libc('pipe2')(fds, O.CLOEXEC));
    return [fds[0]!, fds[1]!];
  }

  close(fd: number): void {
    check('close', libc('close')(fd));
  }

  openNamespace(pid: number | 'self', kind: NamespaceFile): number {
    // libuv opens every fd O_CLOEXEC.
    return fsCall(() => openSync(`/proc/${pid}/ns/${kind}`, 'r'));
  }

  unshare(flags: number): void {
    check('unshare', libc('unshare')(flags));
  }

  setns(fd: number, nstype: number): void {
    check('setns', libc('setns')(fd, nstype));
  }

  flock(fd: number, operation: number): void {
    check('flock', libc('flock')(fd, operation));
  }

  syscall(name: string, nr: number, args: readonly bigint[]): bigint {
    const a = [0, 1, 2, 3, 4, 5].map((i) => args[i] ?? 0n);
    const result = libc('syscall')(nr, ...a);
    const value = typeof result === 'bigint' ? result : BigInt(result as number);
    if (value === -1n) throw new SysError(name, lastErrno());
    return value;
  }

  addressOf(buffer: Uint8Array): bigint {
    return addressOf(buffer);
  }

  launchNative(input: NativeLaunchInput): NativeChild {
    return launchNative(input, (name, nr, args) => this.syscall(name, nr, args), addressOf);
  }

  reapPidfd(pidfd: number): ProcessExit | undefined {
    const info = Buffer.alloc(SIGINFO_SIZE);
    this.syscall('waitid', syscallNumber('waitid', this.arch), [P_PIDFD, BigInt(pidfd), addressOf(info), WEXITED | WNOHANG, 0n]);
    if (info.readInt32LE(SIGINFO_PID) === 0) return undefined; // still running
    const status = info.readInt32LE(SIGINFO_STATUS);
    return info.readInt32LE(SIGINFO_CODE) === CLD_EXITED ? { code: status, signal: null } : { code: null, signal: status };
  }

  pidfdOpen(pid: number): number {
    // pidfd_open always sets O_CLOEXEC on the fd it returns.
    return Number(this.syscall('pidfd_open', syscallNumber('pidfd_open', this.arch), [BigInt(pid), 0n]));
  }

  signalPidfd(pidfd: number, signal: number): void {
    this.syscall('pidfd_send_signal', syscallNumber('pidfd_send_signal', this.arch), [BigInt(pidfd), BigInt(signal), 0n, 0n]);
  }

  openPty(root?: string): Pty {
    // O_NOCTTY: opening a terminal must never make it nsinit's controlling tty.
    const master =
      root === undefined ? fsCall(() => openSync('/dev/ptmx', O.RDWR | O.NOCTTY | O.CLOEXEC)) : this.#openPtmxIn(root);
    try {
      const number = Buffer.alloc(4);
      this.#ioctl('ioctl TIOCSPTLCK', master, TIOC.SPTLCK, addressOf(number)); // 0: unlock
      this.#ioctl('ioctl TIOCGPTN', master, TIOC.GPTN, addressOf(number));
      const path = `/dev/pts/${number.readUInt32LE(0)}`;
      // TIOCGPTPEER opens the slave through the master, not by path: no race with a
      // devpts that was remounted or a path that was replaced.
      const slave = Number(this.#ioctl('ioctl TIOCGPTPEER', master, TIOC.GPTPEER, BigInt(O.RDWR | O.NOCTTY | O.CLOEXEC)));
      return { master, slave, path };
    } catch (error) {
      this.close(master);
      throw error;
    }
  }

  terminalMode(fd: number): Uint8Array {
    const termios = Buffer.alloc(TERMIOS_SIZE);
    this.#ioctl('ioctl TCGETS', fd, TIOC.CGETS, addressOf(termios));
    return termios;
  }

  setTerminalMode(fd: number, mode: Uint8Array): void {
    if (mode.length !== TERMIOS_SIZE) throw new RangeError(`a struct termios has ${TERMIOS_SIZE} bytes, got ${mode.length}`);
    this.#ioctl('ioctl TCSETS', fd, TIOC.CSETS, addressOf(Buffer.from(mode)));
  }

  /**
   * The ptmx of the devpts instance at <root>/dev/pts. The tree below `root` is someone
   * else's (a container's): its symlinks are resolved as if `root` were / (openat2
   * RESOLVE_IN_ROOT), never into the host, and what opens must be a ptmx on a devpts.
   */
  #openPtmxIn(root: string): number {
    const dir = fsCall(() => openSync(root, O.PATH | O.DIRECTORY | O.CLOEXEC));
    let master: number | undefined;
    try {
      const how = Buffer.alloc(OPEN_HOW_SIZE);
      how.writeBigUInt64LE(BigInt(O.RDWR | O.NOCTTY | O.CLOEXEC), 0);
      how.writeBigUInt64LE(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, 16);
      const path = Buffer.from('dev/pts/ptmx\0');
      const args = [BigInt(dir), addressOf(path), addressOf(how), BigInt(OPEN_HOW_SIZE)];
      master = Number(this.syscall(`openat2 ${root}/dev/pts/ptmx`, syscallNumber('openat2', this.arch), args));
      const statfs = Buffer.alloc(STATFS_SIZE);
      this.syscall('fstatfs', syscallNumber('fstatfs', this.arch), [BigInt(master), addressOf(statfs)]);
      const stat = fstatSync(master);
      if (statfs.readBigInt64LE(0) !== DEVPTS_SUPER_MAGIC || !stat.isCharacterDevice() || stat.rdev !== makedev(5, 2)) {
        throw new SysError(`open ${root}/dev/pts/ptmx (not a devpts ptmx)`, errnoNumber('ENOTTY'));
      }
      return master;
    } catch (error) {
      if (master !== undefined) this.close(master);
      throw error;
    } finally {
      this.close(dir);
    }
  }

  windowSize(fd: number): WindowSize {
    const winsize = Buffer.alloc(8);
    this.#ioctl('ioctl TIOCGWINSZ', fd, TIOC.GWINSZ, addressOf(winsize));
    return { rows: winsize.readUInt16LE(0), columns: winsize.readUInt16LE(2) };
  }

  setWindowSize(fd: number, size: WindowSize): void {
    const winsize = Buffer.alloc(8);
    winsize.writeUInt16LE(size.rows, 0);
    winsize.writeUInt16LE(size.columns, 2);
    this.#ioctl('ioctl TIOCSWINSZ', fd, TIOC.SWINSZ, addressOf(winsize));
  }

  #ioctl(name: string, fd: number, request: number, arg: bigint): bigint {
    return this.syscall(name, syscallNumber('ioctl', this.arch), [BigInt(fd), BigInt(request), arg]);
  }

  watchReadable(fd: number, onReadable: () => void): { close(): void } {
    return pollReadable(fd, onReadable);
  }
}

function check(name: string, result: unknown): void {
  if (result === -1) throw new SysError(name, lastErrno());
}


function fsCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const errno = e.code ? constants.errno[e.code as keyof typeof constants.errno] : undefined;
    if (errno === undefined) throw error;
    throw new SysError(e.syscall ?? 'fs', errno, { ...(e.path ? { path: e.path } : {}), cause: error });
  }
}

function fileType(stat: import('node:fs').Stats): FileType {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isCharacterDevice()) return 'char';
  if (stat.isBlockDevice()) return 'block';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  return 'file';
}
