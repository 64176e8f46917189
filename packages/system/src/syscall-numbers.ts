// Syscall numbers of the calls a plan may contain, per architecture.
//
// Plans name their calls; the number is looked up once, when the plan is built for
// an architecture. Only the *at family is used for paths (aarch64 has no mkdir,
// mknod, symlink, chown), so one plan builder serves both.

import { X64_SYSCALLS } from './syscall-table-x64.js';

export type Arch = 'x64' | 'arm64';

const NUMBERS = {
  read: [0, 63],
  write: [1, 64],
  close: [3, 57],
  ioctl: [16, 29],
  socket: [41, 198],
  bind: [49, 200],
  sendto: [44, 206],
  recvfrom: [45, 207],
  setsockopt: [54, 208],
  getsockname: [51, 204],
  execve: [59, 221],
  execveat: [322, 281],
  fcntl: [72, 25],
  chdir: [80, 49],
  fchdir: [81, 50],
  umask: [95, 166],
  prctl: [157, 167],
  chroot: [161, 51],
  setgroups: [116, 159],
  setsid: [112, 157],
  prlimit64: [302, 261],
  seccomp: [317, 277],
  setresuid: [117, 147],
  setresgid: [119, 149],
  capset: [126, 91],
  rt_sigaction: [13, 134],
  rt_sigprocmask: [14, 135],
  rt_sigtimedwait: [128, 137],
  pivot_root: [155, 41],
  mount: [165, 40],
  umount2: [166, 39],
  sethostname: [170, 161],
  unshare: [272, 97],
  setns: [308, 268],
  openat: [257, 56],
  openat2: [437, 437],
  // The new mount API: the same numbers on every architecture (the unified table from 424 on).
  open_tree: [428, 428],
  move_mount: [429, 429],
  fsopen: [430, 430],
  fsconfig: [431, 431],
  fsmount: [432, 432],
  mount_setattr: [442, 442],
  fstatfs: [138, 44],
  mkdirat: [258, 34],
  mknodat: [259, 33],
  fchownat: [260, 54],
  symlinkat: [266, 36],
  fchmodat: [268, 53],
  close_range: [436, 436],
  memfd_create: [319, 279],
  clone3: [435, 435],
  clone: [56, 220],
  pidfd_open: [434, 434],
  waitid: [247, 95],
  pidfd_send_signal: [424, 424],
  dup3: [292, 24],
  exit_group: [231, 94],
  bpf: [321, 280],
  eventfd2: [290, 19],
} as const satisfies Record<string, readonly [number, number]>;

export type SyscallName = keyof typeof NUMBERS;

export function syscallNumber(name: SyscallName, arch: Arch): number {
  return NUMBERS[name][arch === 'x64' ? 0 : 1];
}

export function hostArch(): Arch {
  if (process.arch === 'x64') return 'x64';
  if (process.arch === 'arm64') return 'arm64';
  throw new Error(`unsupported architecture ${process.arch} (lc runs on x64 and arm64)`);
}

/**
 * Every system call of `arch` by name (seccomp filters name them), or undefined where
 * lc has no table yet (aarch64).
 */
export function syscallTable(arch: Arch): Readonly<Record<string, number>> | undefined {
  return arch === 'x64' ? X64_SYSCALLS : undefined;
}
