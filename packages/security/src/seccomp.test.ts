import type { Seccomp } from '@lc/config-types';
import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan, syscallTable } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { seccompRules, seccompSteps } from './seccomp.js';
import { actionValue, seccompProgram } from './seccomp-filter.js';

const X64 = 0xc000003e;
const I386 = 0x40000003;
const NR = syscallTable('x64')!;

/** Runs a classic BPF seccomp program on one system call, as the kernel would. */
function run(program: Uint8Array, nr: number, arch = X64): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  let accumulator = 0;
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = view.getUint16(8 * pc, true);
    const jt = view.getUint8(8 * pc + 2);
    const jf = view.getUint8(8 * pc + 3);
    const k = view.getUint32(8 * pc + 4, true);
    if (code === 0x20) accumulator = k === 0 ? nr >>> 0 : k === 4 ? arch : Number.NaN;
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x35) pc += accumulator >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected instruction ${code.toString(16)} at ${pc}`);
  }
  throw new Error('the program ran off its end');
}

const ALLOW = 0x7fff0000;
const errno = (value: number) => (0x00050000 | value) >>> 0;

const POLICY: Seccomp = {
  defaultAction: { type: 'SCMP_ACT_ALLOW' },
  syscalls: [
    { names: ['mkdir', 'mkdirat'], action: { type: 'SCMP_ACT_ERRNO', errno: 13 } },
    { names: ['reboot'], action: { type: 'SCMP_ACT_KILL_PROCESS' } },
    { names: ['chmod'], action: { type: 'SCMP_ACT_ERRNO' } },
  ],
};

describe('the seccomp program', () => {
  const program = seccompProgram('x64', seccompRules(POLICY, 'x64'), actionValue(POLICY.defaultAction));

  it('gives each named system call its action and the others the default', () => {
    expect(run(program, NR.mkdir!)).toBe(errno(13));
    expect(run(program, NR.mkdirat!)).toBe(errno(13));
    expect(run(program, NR.reboot!)).toBe(0x80000000);
    expect(run(program, NR.chmod!)).toBe(errno(1)); // EPERM unless told
    expect(run(program, NR.read!)).toBe(ALLOW);
    expect(run(program, NR.execve!)).toBe(ALLOW);
  });

  it('refuses system calls of another ABI with ENOSYS: i386 by arch, x32 by the nr bit', () => {
    expect(run(program, 39, I386)).toBe(errno(38)); // i386's mkdir is 39
    expect(run(program, (0x40000000 | NR.mkdir!) >>> 0)).toBe(errno(38));
  });

  it('turns an allow-list into a default-deny program', () => {
    const allow: Seccomp = { defaultAction: { type: 'SCMP_ACT_ERRNO', errno: 1 }, syscalls: [{ names: ['read', 'write'], action: { type: 'SCMP_ACT_ALLOW' } }] };
    const allowList = seccompProgram('x64', seccompRules(allow, 'x64'), actionValue(allow.defaultAction));
    expect([run(allowList, NR.read!), run(allowList, NR.write!), run(allowList, NR.open!)]).toEqual([ALLOW, ALLOW, errno(1)]);
  });
});

describe('seccompRules', () => {
  it('names an unknown system call and one named twice by their config paths', () => {
    const unknown: Seccomp = { defaultAction: { type: 'SCMP_ACT_ALLOW' }, syscalls: [{ names: ['mkdir', 'mkdri'], action: { type: 'SCMP_ACT_ERRNO' } }] };
    expect(() => seccompRules(unknown, 'x64')).toThrow('seccomp.syscalls[0].names[1]: no system call "mkdri" on x86-64');
    const twice: Seccomp = {
      defaultAction: { type: 'SCMP_ACT_ALLOW' },
      syscalls: [
        { names: ['mkdir'], action: { type: 'SCMP_ACT_ERRNO' } },
        { names: ['mkdir'], action: { type: 'SCMP_ACT_KILL' } },
      ],
    };
    expect(() => seccompRules(twice, 'x64')).toThrow('seccomp.syscalls[1].names[0]: "mkdir" is already in seccomp.syscalls[0].names[0]');
    expect(() => seccompRules(POLICY, 'arm64')).toThrow('seccomp: not supported on aarch64 yet (no system call table)');
  });
});

describe('seccompSteps', () => {
  const plan = (noNewPrivileges: boolean, phase: 'before-credentials' | 'before-exec') => {
    const b = new PlanBuilder('x64');
    seccompSteps(b, testModel({ seccomp: POLICY, process: { noNewPrivileges } }), phase);
    return renderPlan(b.build());
  };

  it('installs the filter before the credentials drop without no_new_privs, last with it', () => {
    const line = 'seccomp(1, 0, <seccomp filter: 4 system calls, default SCMP_ACT_ALLOW>)';
    expect(plan(false, 'before-credentials')).toBe(`0  ${line}`);
    expect(plan(false, 'before-exec')).toBe('');
    expect(plan(true, 'before-credentials')).toBe('');
    expect(plan(true, 'before-exec')).toBe(`0  ${line}`);
  });
});
