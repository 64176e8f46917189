// lc's default seccomp profile (defined in @lc/config-types) compiled for x86-64, and
// run on system calls as the kernel would.
import { CAPABILITY_NAMES, type Capability, defaultSeccomp } from '@lc/config-types';
import { syscallTable } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { seccompRules } from './seccomp.js';
import { actionValue, seccompProgram } from './seccomp-filter.js';
import { ALLOW, errno, run, X64 } from './seccomp-test-support.js';

const NR = syscallTable('x64')!;
const compile = (capabilities: Capability[]) => {
  const profile = defaultSeccomp(capabilities);
  return seccompProgram('x64', seccompRules(profile, 'x64'), actionValue(profile.defaultAction), { newerGetEnosys: true });
};
const EPERM = errno(1);
const ENOSYS = errno(38);
const call = (program: Uint8Array, name: string, ...args: bigint[]) => run(program, NR[name]!, X64, args);

const CLONE_THREAD_FLAGS = 0x3d0f00n; // what glibc's pthread_create passes
const CLONE_NEWUSER = 0x10000000n;
const CLONE_NEWNS = 0x20000n;
const SIGCHLD = 17n;

describe('the default profile, compiled', () => {
  const none = compile([]);

  it('compiles for every capability set: each name is on x86-64 and decided once', () => {
    expect(() => compile([...CAPABILITY_NAMES] as Capability[])).not.toThrow();
    expect(() => compile(['SYS_ADMIN', 'SYS_PTRACE', 'BPF', 'PERFMON', 'SYSLOG'])).not.toThrow();
  });

  it('allows what programs do all day', () => {
    for (const name of ['read', 'write', 'openat', 'mmap', 'futex', 'execve', 'exit_group', 'rt_sigreturn', 'epoll_wait', 'statx', 'getrandom']) {
      expect(call(none, name), name).toBe(ALLOW);
    }
  });

  it.each(['keyctl', 'add_key', 'request_key', 'io_uring_setup', 'io_uring_enter', 'perf_event_open', 'bpf', 'unshare', 'setns', 'mount', 'umount2', 'userfaultfd', 'kexec_load', 'init_module', 'finit_module', 'reboot', 'swapon', 'open_by_handle_at'])(
    'refuses %s with EPERM',
    (name) => {
      expect(call(none, name)).toBe(EPERM);
    },
  );

  it('lets clone make threads and processes but no namespace; clone3 falls back with ENOSYS', () => {
    expect(call(none, 'clone', CLONE_THREAD_FLAGS)).toBe(ALLOW);
    expect(call(none, 'clone', SIGCHLD)).toBe(ALLOW);
    expect(call(none, 'clone', SIGCHLD | CLONE_NEWUSER)).toBe(EPERM);
    expect(call(none, 'clone', SIGCHLD | CLONE_NEWNS)).toBe(EPERM);
    expect(call(none, 'clone3')).toBe(ENOSYS);
  });

  it('refuses AF_VSOCK sockets and unusual personalities', () => {
    expect(call(none, 'socket', 2n)).toBe(ALLOW);
    expect(call(none, 'socket', 40n)).toBe(EPERM);
    expect(call(none, 'personality', 0xffffffffn)).toBe(ALLOW);
    expect(call(none, 'personality', 0x0400000n)).toBe(EPERM); // READ_IMPLIES_EXEC
  });

  it('gives ENOSYS to system calls newer than the profile, and to other ABIs', () => {
    expect(run(none, 452)).toBe(ENOSYS); // fchmodat2: glibc falls back to fchmodat
    expect(run(none, 400)).toBe(EPERM); // a hole in the table below the newest listed call
    expect(run(none, 1, 0x40000003)).toBe(ENOSYS); // i386
  });

  it('allows what a kept capability is for', () => {
    const admin = compile(['SYS_ADMIN']);
    expect(call(admin, 'mount')).toBe(ALLOW);
    expect(call(admin, 'clone', SIGCHLD | CLONE_NEWUSER)).toBe(ALLOW);
    expect(call(admin, 'clone3')).toBe(ALLOW);
    expect(call(admin, 'keyctl')).toBe(EPERM);
    expect(call(compile(['SYS_PTRACE']), 'kcmp')).toBe(ALLOW);
    expect(call(compile(['SYS_CHROOT']), 'chroot')).toBe(ALLOW);
    expect(call(none, 'chroot')).toBe(EPERM);
  });

  it('stays small: range tables, not a block per allowed call', () => {
    expect(none.length / 8).toBeLessThan(200);
  });
});
