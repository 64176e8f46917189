import { defaultSeccomp, type Seccomp, type SeccompArg } from '@lc/config-types';
import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan, syscallTable } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { seccompRules, seccompSteps } from './seccomp.js';
import { actionValue, type FilterRule, seccompProgram } from './seccomp-filter.js';
import { ALLOW, errno, run, X64 } from './seccomp-test-support.js';

const I386 = 0x40000003;
const NR = syscallTable('x64')!;

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

describe('the program against the rules it was made from', () => {
  /** First match decides, as the rules read: what the layout must not change. */
  function reference(rules: readonly FilterRule[], defaultAction: number, nr: number, args: readonly bigint[]): number {
    const holds = (rule: FilterRule) =>
      rule.conditions.every(({ index, op, value, valueTwo }) => {
        const arg = args[index] ?? 0n;
        if (op === 'SCMP_CMP_EQ') return arg === value;
        if (op === 'SCMP_CMP_NE') return arg !== value;
        if (op === 'SCMP_CMP_LT') return arg < value;
        if (op === 'SCMP_CMP_LE') return arg <= value;
        if (op === 'SCMP_CMP_GT') return arg > value;
        if (op === 'SCMP_CMP_GE') return arg >= value;
        return (arg & value) === valueTwo;
      });
    return rules.find((rule) => rule.nr === nr && holds(rule))?.action ?? defaultAction;
  }

  /** A small seeded generator (mulberry32): the same cases on every run. */
  function random(seed: number) {
    let state = seed;
    return (below: number) => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % below;
    };
  }

  it('decides every system call as the rules do, first match first, over 300 random policies', () => {
    const pick = random(42);
    const actions = [ALLOW, errno(1), errno(13), 0x80000000, 0x00030000];
    const ops = ['SCMP_CMP_EQ', 'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_GT', 'SCMP_CMP_GE', 'SCMP_CMP_MASKED_EQ'] as const;
    for (let policy = 0; policy < 300; policy++) {
      const rules: FilterRule[] = [];
      for (let i = pick(400); i > 0; i--) {
        const conditions = Array.from({ length: pick(4) === 0 ? 1 + pick(2) : 0 }, () => ({
          index: pick(3),
          op: ops[pick(ops.length)]!,
          value: BigInt(pick(8)),
          valueTwo: BigInt(pick(8)),
        }));
        rules.push({ nr: pick(60), action: actions[pick(actions.length)]!, conditions });
      }
      // Without the unreachable rules seccompRules refuses: an unconditional rule ends a number's list.
      const reachable = rules.filter((rule, i) => !rules.slice(0, i).some((earlier) => earlier.nr === rule.nr && earlier.conditions.length === 0));
      const defaultAction = actions[pick(actions.length)]!;
      const program = seccompProgram('x64', reachable, defaultAction);
      for (let nr = 0; nr < 64; nr++) {
        const args = [BigInt(pick(8)), BigInt(pick(8)), BigInt(pick(8))];
        expect(run(program, nr, X64, args), `policy ${policy}, nr ${nr}`).toBe(reference(reachable, defaultAction, nr, args));
      }
    }
  });

  it('gives ENOSYS above the newest named call when asked and the default refuses', () => {
    const rules = seccompRules({ defaultAction: { type: 'SCMP_ACT_ERRNO' }, syscalls: [{ names: ['read', 'open'], action: { type: 'SCMP_ACT_ALLOW' }, args: [] }] }, 'x64');
    const program = seccompProgram('x64', rules, errno(1), { newerGetEnosys: true });
    expect([run(program, NR.read!), run(program, NR.write!), run(program, NR.open!), run(program, NR.close!)]).toEqual([ALLOW, errno(1), ALLOW, errno(38)]);
    const allowing = seccompProgram('x64', rules, ALLOW, { newerGetEnosys: true });
    expect(run(allowing, NR.close!)).toBe(ALLOW);
  });

  it('keeps every jump within reach for a thousand scattered numbers', () => {
    const rules = Array.from({ length: 1000 }, (_, i): FilterRule => ({ nr: 3 * i, action: i % 2 ? ALLOW : errno(1), conditions: [] }));
    const program = seccompProgram('x64', rules, errno(13));
    expect([run(program, 0), run(program, 3), run(program, 2997), run(program, 2998), run(program, 4000)]).toEqual([errno(1), ALLOW, ALLOW, errno(13), errno(13)]);
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

  it('names the default profile in the plan, and its opt-out where it cannot be built', () => {
    const b = new PlanBuilder('x64');
    seccompSteps(b, testModel({ seccomp: defaultSeccomp([]) }), 'before-credentials');
    const built = b.build();
    expect(renderPlan(built)).toBe('0  seccomp(1, 0, <seccomp filter "default": 299 system calls, default SCMP_ACT_ERRNO>)');
    expect(built.steps[0]?.label).toBe('install the seccomp filter "default"');
    expect(() => seccompSteps(new PlanBuilder('arm64'), testModel({ seccomp: defaultSeccomp([]) }), 'before-credentials')).toThrow(
      'seccomp: the default profile is not supported on aarch64 yet (no system call table); "seccomp": "unconfined" runs without a filter',
    );
  });
});
