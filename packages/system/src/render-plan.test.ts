import { describe, expect, it } from 'vitest';
import { AT_FDCWD, CLONE, MNT_DETACH, MS, PR, SIGNALS } from './constants.js';
import { makedev } from './makedev.js';
import { ignoreErrno, imm, PlanBuilder } from './plan.js';
import * as steps from './plan-steps.js';
import { renderPlan } from './render-plan.js';
import { deserializePlan, serializePlan } from './serialize-plan.js';

function sample() {
  const b = new PlanBuilder('x64');
  const sync = b.input('sync');
  steps.unshare(b, CLONE.NEWNS);
  steps.read(b, sync, 1, 'wait', { zeroIsError: true });
  steps.mount(b, { source: null, target: '/', flags: MS.REC | MS.PRIVATE });
  steps.mount(b, { source: 'proc', target: '/r/proc', fstype: 'proc', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC });
  steps.mknodAt(b, AT_FDCWD, '/r/dev/null', 0o20666, makedev(1, 3));
  steps.mkdirAt(b, AT_FDCWD, '/r/dev/pts', 0o755, { onError: ignoreErrno(17) });
  steps.umount2(b, '.', MNT_DETACH);
  steps.prctl(b, PR.CAPBSET_DROP, imm(21, 'capability'), 'drop SYS_ADMIN');
  steps.signalDefault(b, SIGNALS.SIGPIPE);
  steps.capset(b, [0, 27], ['CHOWN', 'MKNOD']);
  steps.execve(b, '/bin/sh', ['sh', '-c', 'echo $$'], ['PATH=/bin']);
  b.step('openat', [imm(AT_FDCWD, 'fd'), '/x', 0, 0]);
  return b.build();
}

describe('renderPlan', () => {
  it('prints one strace-like line a step', () => {
    expect(renderPlan(sample())).toMatchInlineSnapshot(`
      " 0  unshare(CLONE_NEWNS)
       1  read($sync, <1 bytes>, 1)  [0 = error]
       2  mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)
       3  mount("proc", "/r/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)
       4  mknodat(AT_FDCWD, "/r/dev/null", 020666, makedev(1, 3))
       5  mkdirat(AT_FDCWD, "/r/dev/pts", 0755)  [EEXIST ok]
       6  umount2(".", MNT_DETACH)
       7  prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0)
       8  rt_sigaction(SIGPIPE, {SIG_DFL}, NULL, 8)
       9  capset({_LINUX_CAPABILITY_VERSION_3, 0}, {effective=permitted=CHOWN|MKNOD, inheritable=0})
      10  execve("/bin/sh", ["sh", "-c", "echo $$"], ["PATH=/bin"])
      11  openat(AT_FDCWD, "/x", 0, 0)"
    `);
  });

  it('renders a plan that went through serialization the same', () => {
    const plan = sample();
    expect(renderPlan(deserializePlan(serializePlan(plan)))).toBe(renderPlan(plan));
    expect(deserializePlan(serializePlan(plan))).toEqual(plan);
  });
});

describe('makedev', () => {
  it('encodes like the kernel new_encode_dev', () => {
    expect(makedev(1, 3)).toBe(0x103);
    expect(makedev(136, 0x1234)).toBe(0x1234 & 0xff | (136 << 8) | ((0x1234 & ~0xff) << 12));
  });
});

describe('fprog data items', () => {
  it('are whole 8-byte instructions, shown by their description', () => {
    const b = new PlanBuilder('x64');
    expect(() => b.fprog(new Uint8Array(12), 'x')).toThrow('a BPF program is whole 8-byte instructions, got 12 bytes');
    b.step('seccomp', [1, 0, b.fprog(new Uint8Array(16), '<seccomp filter: 2 instructions>')]);
    expect(renderPlan(b.build())).toBe('0  seccomp(1, 0, <seccomp filter: 2 instructions>)');
  });
});
