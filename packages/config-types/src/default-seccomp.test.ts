import { describe, expect, it } from 'vitest';
import { CAPABILITY_NAMES } from './capability-names.js';
import { DEFAULT_SECCOMP_NAME, defaultSeccomp } from './default-seccomp.js';
import type { Capability, Seccomp } from './model.js';

/** The names a filter allows with no condition. */
const allowed = (seccomp: Seccomp) =>
  seccomp.syscalls.filter((rule) => rule.action.type === 'SCMP_ACT_ALLOW' && rule.args.length === 0).flatMap((rule) => rule.names);
const rulesFor = (seccomp: Seccomp, name: string) => seccomp.syscalls.filter((rule) => rule.names.includes(name));

describe('defaultSeccomp', () => {
  const none = defaultSeccomp([]);

  it('is an allowlist refusing the rest with EPERM, named so in plans', () => {
    expect(none.name).toBe(DEFAULT_SECCOMP_NAME);
    expect(none.defaultAction).toEqual({ type: 'SCMP_ACT_ERRNO' });
    expect(allowed(none)).toEqual(expect.arrayContaining(['read', 'write', 'execve', 'openat', 'mmap', 'futex', 'ptrace']));
  });

  it.each([
    'keyctl', 'add_key', 'request_key', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'perf_event_open', 'bpf',
    'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'userfaultfd', 'kexec_load', 'kexec_file_load', 'init_module',
    'finit_module', 'delete_module', 'reboot', 'swapon', 'acct', 'open_by_handle_at', 'syslog', 'clock_settime',
    'fsopen', 'move_mount', 'open_tree', 'lookup_dcookie', 'iopl', 'ioperm', 'kcmp', 'pidfd_getfd', 'vhangup',
  ])('refuses %s to a container without capabilities', (name) => {
    expect(rulesFor(none, name)).toEqual([]);
  });

  it('lets clone make threads and processes but no namespace, and clone3 fall back to it (ENOSYS)', () => {
    expect(rulesFor(none, 'clone')).toEqual([
      { names: ['clone'], action: { type: 'SCMP_ACT_ALLOW' }, args: [{ index: 0, op: 'SCMP_CMP_MASKED_EQ', value: 0x7e020000, valueTwo: 0 }] },
    ]);
    expect(rulesFor(none, 'clone3')).toEqual([{ names: ['clone3'], action: { type: 'SCMP_ACT_ERRNO', errno: 38 }, args: [] }]);
  });

  it('allows socket of any family but AF_VSOCK, and only the usual personalities', () => {
    expect(rulesFor(none, 'socket').map((rule) => rule.args)).toEqual([[{ index: 0, op: 'SCMP_CMP_NE', value: 40 }]]);
    expect(rulesFor(none, 'personality').map((rule) => rule.args[0]?.value)).toEqual([0, 8, 0x20000, 0x20008, 0xffffffff]);
  });

  it('allows what a kept capability is for, as Docker does', () => {
    const admin = defaultSeccomp(['SYS_ADMIN']);
    expect(allowed(admin)).toEqual(expect.arrayContaining(['mount', 'umount2', 'unshare', 'setns', 'clone', 'clone3', 'bpf', 'perf_event_open']));
    // clone needs no condition then: the unconditional rule decides it.
    expect(rulesFor(admin, 'clone')).toHaveLength(1);
    expect(rulesFor(admin, 'clone3')[0]?.action.type).toBe('SCMP_ACT_ALLOW');
    expect(allowed(defaultSeccomp(['SYS_PTRACE']))).toEqual(expect.arrayContaining(['kcmp', 'pidfd_getfd', 'process_madvise']));
    expect(allowed(defaultSeccomp(['BPF']))).toContain('bpf');
    expect(allowed(defaultSeccomp(['BPF']))).not.toContain('perf_event_open');
    expect(allowed(defaultSeccomp(['SYS_MODULE']))).toEqual(expect.arrayContaining(['init_module', 'finit_module', 'delete_module']));
    expect(allowed(defaultSeccomp(['SYS_CHROOT']))).toContain('chroot');
    expect(allowed(none)).not.toContain('chroot');
  });

  it('names each system call once among its unconditional rules, whatever capabilities are kept', () => {
    const all = defaultSeccomp([...CAPABILITY_NAMES] as Capability[]);
    const names = allowed(all);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['syslog', 'bpf', 'reboot', 'vhangup']));
  });
});
