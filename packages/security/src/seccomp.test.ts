import type { Seccomp, SeccompArg } from '@lc/config-types';
import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan, syscallTable } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { seccompRules, seccompSteps } from './seccomp.js';
import { actionValue, seccompProgram } from './seccomp-filter.js';

const X64 = 0xc000003e;
const I386 = 0x40000003;
const NR = syscallTable('x64')!;

/** Runs a classic BPF seccomp program on one system call, as the kernel would. */
function run(program: Uint8Array, nr: number, arch = X64, args: readonly bigint[] = []): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const data = new DataView(new ArrayBuffer(64)); // struct seccomp_data
  data.setUint32(0, nr >>> 0, true);
  data.setUint32(4, arch, true);
  for (const [i, arg] of args.entries()) data.setBigUint64(16 + 8 * i, arg, true);
  let accumulator = 0;
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = view.getUint16(8 * pc, true);
    const jt = view.getUint8(8 * pc + 2);
    const jf = view.getUint8(8 * pc + 3);
    const k = view.getUint32(8 * pc + 4, true);
    if (code === 0x20) accumulator = data.getUint32(k, true);
    else if (code === 0x54) accumulator = (accumulator & k) >>> 0;
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x25) pc += accumulator > k ? jt : jf;
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
    { names: ['mkdir', 'mkdirat'], action: { type: 'SCMP_ACT_ERRNO', errno: 13 }, args: [] },
    { names: ['reboot'], action: { type: 'SCMP_ACT_KILL_PROCESS' }, args: [] },
    { names: ['chmod'], action: { type: 'SCMP_ACT_ERRNO' }, args: [] },
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
    const allow: Seccomp = { defaultAction: { type: 'SCMP_ACT_ERRNO', errno: 1 }, syscalls: [{ names: ['read', 'write'], action: { type: 'SCMP_ACT_ALLOW' }, args: [] }] };
    const allowList = seccompProgram('x64', seccompRules(allow, 'x64'), actionValue(allow.defaultAction));
    expect([run(allowList, NR.read!), run(allowList, NR.write!), run(allowList, NR.open!)]).toEqual([ALLOW, ALLOW, errno(1)]);
  });
});

describe('argument conditions', () => {
  const rule = (op: SeccompArg['op'], value: number, valueTwo?: number): Seccomp => ({
    defaultAction: { type: 'SCMP_ACT_ALLOW' },
    syscalls: [{ names: ['socket'], action: { type: 'SCMP_ACT_ERRNO' }, args: [{ index: 0, op, value, ...(valueTwo !== undefined && { valueTwo }) }] }],
  });
  const decide = (policy: Seccomp, arg: bigint) =>
    run(seccompProgram('x64', seccompRules(policy, 'x64'), actionValue(policy.defaultAction)), NR.socket!, X64, [arg]) === ALLOW ? 'allow' : 'deny';
  const BIG = 0x1_0000_0002n; // high word 1: only the 64-bit comparison gets it right

  it.each([
    ['SCMP_CMP_EQ', [[2n, 'deny'], [3n, 'allow'], [BIG, 'allow']]],
    ['SCMP_CMP_NE', [[2n, 'allow'], [3n, 'deny'], [BIG, 'deny']]],
    ['SCMP_CMP_LT', [[1n, 'deny'], [2n, 'allow'], [3n, 'allow'], [BIG, 'allow']]],
    ['SCMP_CMP_LE', [[1n, 'deny'], [2n, 'deny'], [3n, 'allow'], [BIG, 'allow']]],
    ['SCMP_CMP_GT', [[1n, 'allow'], [2n, 'allow'], [3n, 'deny'], [BIG, 'deny']]],
    ['SCMP_CMP_GE', [[1n, 'allow'], [2n, 'deny'], [3n, 'deny'], [BIG, 'deny']]],
  ] as const)('%s 2 compares all 64 bits', (op, cases) => {
    for (const [arg, expected] of cases) expect(decide(rule(op, 2), arg), `${op} ${arg}`).toBe(expected);
  });

  it('SCMP_CMP_MASKED_EQ: (argument & value) == value_two', () => {
    const policy = rule('SCMP_CMP_MASKED_EQ', 0x7e020000, 0);
    expect(decide(policy, 0x11n)).toBe('deny'); // no namespace flags: the condition holds
    expect(decide(policy, 0x20000n | 0x11n)).toBe('allow'); // CLONE_NEWNS set
  });

  it('needs every condition of a rule, and falls through to the next rule otherwise', () => {
    const policy: Seccomp = {
      defaultAction: { type: 'SCMP_ACT_ERRNO' },
      syscalls: [
        { names: ['socket'], action: { type: 'SCMP_ACT_ALLOW' }, args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 1 }, { index: 1, op: 'SCMP_CMP_EQ', value: 1 }] },
        { names: ['socket'], action: { type: 'SCMP_ACT_ALLOW' }, args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 10 }] },
      ],
    };
    const program = seccompProgram('x64', seccompRules(policy, 'x64'), actionValue(policy.defaultAction));
    expect(run(program, NR.socket!, X64, [1n, 1n])).toBe(ALLOW);
    expect(run(program, NR.socket!, X64, [1n, 2n])).toBe(errno(1));
    expect(run(program, NR.socket!, X64, [10n, 5n])).toBe(ALLOW);
    expect(run(program, NR.read!)).toBe(errno(1));
  });
});

describe('seccompRules', () => {
  it('names an unknown system call, and one no rule could reach, by their config paths', () => {
    const unknown: Seccomp = { defaultAction: { type: 'SCMP_ACT_ALLOW' }, syscalls: [{ names: ['mkdir', 'mkdri'], action: { type: 'SCMP_ACT_ERRNO' }, args: [] }] };
    expect(() => seccompRules(unknown, 'x64')).toThrow('seccomp.syscalls[0].names[1]: no system call "mkdri" on x86-64');
    const twice: Seccomp = {
      defaultAction: { type: 'SCMP_ACT_ALLOW' },
      syscalls: [
        { names: ['mkdir'], action: { type: 'SCMP_ACT_ERRNO' }, args: [] },
        { names: ['mkdir'], action: { type: 'SCMP_ACT_KILL' }, args: [] },
      ],
    };
    expect(() => seccompRules(twice, 'x64')).toThrow('seccomp.syscalls[1].names[0]: "mkdir" is already decided by seccomp.syscalls[0].names[0], with no conditions');
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
