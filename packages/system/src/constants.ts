import { constants as fs } from 'node:fs';
import { CAPABILITY_NAMES, type CapabilityName } from '@lc/config-types/capabilities';

// Kernel constants used by plans and by the parent. Values from the Linux UAPI
// headers; the same on x86-64 and aarch64 unless noted.

export const CLONE = {
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
  FS: 0x00000200,
  VM: 0x00000100,
  PIDFD: 0x00001000,
  PARENT: 0x00008000,
} as const;

/** CLONE_CLEAR_SIGHAND is above bit 31: a clone3 flag only, as a BigInt (`|` on Numbers keeps 32 bits). */
export const CLONE_CLEAR_SIGHAND = 0x100000000n;

export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOSYMFOLLOW: 0x100,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  SILENT: 0x8000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
} as const;

export const MNT_DETACH = 0x2;

/**
 * open(2) flags of this host. O_DIRECTORY and O_NOFOLLOW differ between x86-64 and
 * aarch64, so they come from Node's table of the running platform; O_CLOEXEC and O_PATH
 * (absent from it) are the same on both.
 */
export const O = {
  RDONLY: fs.O_RDONLY,
  WRONLY: fs.O_WRONLY,
  RDWR: fs.O_RDWR,
  CREAT: fs.O_CREAT,
  EXCL: fs.O_EXCL,
  NOCTTY: fs.O_NOCTTY,
  TRUNC: fs.O_TRUNC,
  NONBLOCK: fs.O_NONBLOCK,
  DIRECTORY: fs.O_DIRECTORY,
  NOFOLLOW: fs.O_NOFOLLOW,
  CLOEXEC: 0x80000,
  PATH: 0x200000,
} as const;

/** AT_FDCWD is -100: a plan argument is 64 bits, so it is passed sign-extended. */
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
/** An *at call on the fd itself (execveat of a memfd). */
export const AT_EMPTY_PATH = 0x1000;

export const S_IFMT = 0o170000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** A copy of an fd, numbered at least the argument, without close-on-exec. */
export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
/** A close-on-exec copy of an fd, numbered at least the argument. */
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;
export const CLOSE_RANGE_CLOEXEC = 0x4;

export const PR = {
  SET_PDEATHSIG: 1,
  SET_DUMPABLE: 4,
  SET_KEEPCAPS: 8,
  CAPBSET_DROP: 24,
  SET_NO_NEW_PRIVS: 38,
  CAP_AMBIENT: 47,
} as const;

/** rt_sigprocmask's `how`. */
export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

/** Terminal ioctls (asm-generic: the same on x86-64 and aarch64). */
export const TIOC = {
  /** Make the tty the caller's controlling terminal (after setsid). */
  SCTTY: 0x540e,
  /** struct termios (the kernel's: 36 bytes) of a terminal. */
  CGETS: 0x5401,
  CSETS: 0x5402,
  GWINSZ: 0x5413,
  SWINSZ: 0x5414,
  /** _IOR('T', 0x30, unsigned int): the pty's number. */
  GPTN: 0x80045430,
  /** _IOW('T', 0x31, int): lock (1) or unlock (0) the slave. */
  SPTLCK: 0x40045431,
  /** _IO('T', 0x41): open the slave through the master (Linux 4.13). */
  GPTPEER: 0x5441,
} as const;

export const SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

/** _LINUX_CAPABILITY_VERSION_3: 64-bit capability sets in two 32-bit words. */
export const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

export const AF_INET = 2;
export const SOCK_DGRAM = 2;
export const SOCK_CLOEXEC = 0x80000;
export const SIOCSIFFLAGS = 0x8914;
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

/** Capability numbers by name (CAP.SYS_ADMIN = 21): a name's index in CAPABILITY_NAMES. */
export const CAP = Object.fromEntries(CAPABILITY_NAMES.map((name, number) => [name, number])) as Readonly<
  Record<CapabilityName, number>
>;
