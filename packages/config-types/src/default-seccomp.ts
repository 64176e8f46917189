// lc's default system call filter, for a config that has no `seccomp`: Docker's
// default profile (moby's profiles/seccomp/default.json as of 2024, io_uring refused
// as since moby 25), as lc's own data. An allowlist: what is not allowed fails with
// EPERM. Some calls are allowed only to a container that keeps the capability they
// need anyway (mount with SYS_ADMIN, ptrace's relatives with SYS_PTRACE…); a few only
// with safe arguments (clone without namespace flags, socket of any family but vsock).
//
// x86-64 names only: lc's filter refuses the i386 and x32 ABIs outright (ENOSYS), and
// has no other architecture's table yet. System calls newer than every one listed
// (above futex_waitv here) get ENOSYS from the filter compiler, as runc does, so a
// program falls back to the call it used before (glibc's fchmodat2 → fchmodat). That
// includes the ones moby added in 2024 (cachestat, fchmodat2, map_shadow_stack,
// futex_wake, futex_wait, futex_requeue): lc's table, made from the build host's
// headers, stops at 450 and cannot name them yet.
import type { Capability, Seccomp, SeccompArg } from './model.js';

/** What plans call this filter. */
export const DEFAULT_SECCOMP_NAME = 'default';

/** Allowed to every container. */
const ALLOWED: readonly string[] = [
  'accept', 'accept4', 'access', 'adjtimex', 'alarm', 'bind', 'brk', 'capget', 'capset', 'chdir', 'chmod', 'chown',
  'clock_adjtime', 'clock_getres', 'clock_gettime', 'clock_nanosleep', 'close', 'close_range', 'connect',
  'copy_file_range', 'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old',
  'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve', 'execveat', 'exit',
  'exit_group', 'faccessat', 'faccessat2', 'fadvise64', 'fallocate', 'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat',
  'fchown', 'fchownat', 'fcntl', 'fdatasync', 'fgetxattr', 'flistxattr', 'flock', 'fork', 'fremovexattr',
  'fsetxattr', 'fstat', 'fstatfs', 'fsync', 'ftruncate', 'futex', 'futex_waitv', 'futimesat', 'getcpu', 'getcwd',
  'getdents', 'getdents64', 'getegid', 'geteuid', 'getgid', 'getgroups', 'getitimer', 'getpeername', 'getpgid',
  'getpgrp', 'getpid', 'getppid', 'getpriority', 'getrandom', 'getresgid', 'getresuid', 'getrlimit',
  'get_robust_list', 'getrusage', 'getsid', 'getsockname', 'getsockopt', 'get_thread_area', 'gettid', 'gettimeofday',
  'getuid', 'getxattr', 'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel',
  'ioctl', 'io_destroy', 'io_getevents', 'io_pgetevents', 'ioprio_get', 'ioprio_set', 'io_setup', 'io_submit',
  'kill', 'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', 'lgetxattr', 'link',
  'linkat', 'listen', 'listxattr', 'llistxattr', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', 'madvise',
  'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2',
  'mlockall', 'mmap', 'mprotect', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedsend',
  'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', 'munlock', 'munlockall', 'munmap',
  'name_to_handle_at', 'nanosleep', 'newfstatat', 'open', 'openat', 'openat2', 'pause', 'pidfd_open',
  'pidfd_send_signal', 'pipe', 'pipe2', 'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'poll', 'ppoll', 'prctl',
  'pread64', 'preadv', 'preadv2', 'prlimit64', 'process_mrelease', 'pselect6', 'pwrite64', 'pwritev', 'pwritev2',
  'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recvfrom', 'recvmmsg', 'recvmsg', 'remap_file_pages',
  'removexattr', 'rename', 'renameat', 'renameat2', 'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction',
  'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait',
  'rt_tgsigqueueinfo', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_getscheduler', 'sched_rr_get_interval', 'sched_setaffinity', 'sched_setattr',
  'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'select', 'semctl', 'semget', 'semop',
  'semtimedop', 'sendfile', 'sendmmsg', 'sendmsg', 'sendto', 'setfsgid', 'setfsuid', 'setgid', 'setgroups',
  'setitimer', 'setpgid', 'setpriority', 'setregid', 'setresgid', 'setresuid', 'setreuid', 'setrlimit',
  'set_robust_list', 'setsid', 'setsockopt', 'set_thread_area', 'set_tid_address', 'setuid', 'setxattr', 'shmat',
  'shmctl', 'shmdt', 'shmget', 'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'socketpair', 'splice', 'stat',
  'statfs', 'statx', 'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', 'tee', 'tgkill', 'time',
  'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_settime', 'timerfd_create',
  'timerfd_gettime', 'timerfd_settime', 'times', 'tkill', 'truncate', 'umask', 'uname', 'unlink', 'unlinkat',
  'utime', 'utimensat', 'utimes', 'vfork', 'vmsplice', 'wait4', 'waitid', 'write', 'writev',
  // Since Linux 4.8 a ptracer can no longer bypass seccomp: Docker allows these.
  'process_vm_readv', 'process_vm_writev', 'ptrace',
  // x86-64's own.
  'arch_prctl', 'modify_ldt',
];

/** Allowed only to a container that keeps the capability (each is what the call checks). */
const ALLOWED_WITH: readonly (readonly [Capability, readonly string[]])[] = [
  ['DAC_READ_SEARCH', ['open_by_handle_at']],
  [
    'SYS_ADMIN',
    [
      'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
      'mount_setattr', 'move_mount', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname',
      'sethostname', 'setns', 'syslog', 'umount2', 'unshare',
    ],
  ],
  ['SYS_BOOT', ['reboot']],
  ['SYS_CHROOT', ['chroot']],
  ['SYS_MODULE', ['delete_module', 'init_module', 'finit_module']],
  ['SYS_PACCT', ['acct']],
  ['SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']],
  ['SYS_RAWIO', ['iopl', 'ioperm']],
  ['SYS_TIME', ['settimeofday', 'clock_settime']],
  ['SYS_TTY_CONFIG', ['vhangup']],
  ['SYS_NICE', ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node']],
  ['SYSLOG', ['syslog']],
  ['BPF', ['bpf']],
  ['PERFMON', ['perf_event_open']],
];

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
const AF_VSOCK = 40;
const ENOSYS = 38;
/** personality(2): PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and 0xffffffff (a query). */
const PERSONAS = [0, 0x8, 0x20000, 0x20008, 0xffffffff];

const allow = { type: 'SCMP_ACT_ALLOW' } as const;
const rule = (names: string[], args: SeccompArg[] = []) => ({ names, action: allow, args });

/** The default filter of a container that keeps `capabilities` (names without CAP_). */
export function defaultSeccomp(capabilities: readonly Capability[]): Seccomp {
  const kept = new Set(capabilities);
  const allowed = new Set(ALLOWED);
  for (const [capability, names] of ALLOWED_WITH) {
    if (kept.has(capability)) for (const name of names) allowed.add(name);
  }
  const syscalls: Seccomp['syscalls'] = [
    rule([...allowed].sort()),
    rule(['socket'], [{ index: 0, op: 'SCMP_CMP_NE', value: AF_VSOCK }]),
    ...PERSONAS.map((persona) => rule(['personality'], [{ index: 0, op: 'SCMP_CMP_EQ', value: persona }])),
  ];
  if (!kept.has('SYS_ADMIN')) {
    // A thread or a process, but no new namespace.
    syscalls.push(rule(['clone'], [{ index: 0, op: 'SCMP_CMP_MASKED_EQ', value: CLONE_NAMESPACE_FLAGS, valueTwo: 0 }]));
    // clone3's flags sit in a struct a filter cannot read: ENOSYS makes glibc fall back
    // to clone, whose flags it can.
    syscalls.push({ names: ['clone3'], action: { type: 'SCMP_ACT_ERRNO', errno: ENOSYS }, args: [] });
  }
  return { name: DEFAULT_SECCOMP_NAME, defaultAction: { type: 'SCMP_ACT_ERRNO' }, syscalls };
}
