// Fault injection for tests: pure transformations of a built plan that make one step
// fail, or hold the executor's process just before one step until the test lets it go
// on. Tests walk them over every step of a plan to prove that each failure, and a
// crash of the parent at each point, leaves nothing behind on the host. Not a user
// feature: nsinit applies them only when its test-only LC_TEST_FAULT asks.
//
// Both are made of ordinary steps, so both executors run them unchanged.
import { SIG_BLOCK, SIG_UNBLOCK } from './constants.js';
import { type Arg, imm, type Plan, type Step } from './plan.js';
import { syscallNumber } from './syscall-numbers.js';

/**
 * `close(-1)` just before step `index`, with that step's label and the `fail` policy: the
 * plan stops there with EBADF, reported as the step's own failure (its index is the
 * step's). No fd is ever -1, so it fails the same way in both executors, in any namespace,
 * before and after the pivot, and under any seccomp filter that lets a program close a
 * file (a bad system call number would give ENOSYS only until an allowlist filter is
 * installed). Inserted rather than in place: the step itself stays in the plan, which
 * may need it to be there (the executor's re-exec step makes the launcher provide its
 * memfd).
 */
export function withFailureAt(plan: Plan, index: number): Plan {
  const failing: Step = {
    syscall: 'close',
    nr: syscallNumber('close', plan.arch),
    args: [imm(-1, 'fd')],
    onError: { policy: 'fail' },
    label: stepAt(plan, index).label,
  };
  return { ...plan, steps: insertBefore(plan.steps, index, [failing]) };
}

/** How many steps `withPauseAt` inserts. */
export const PAUSE_STEPS = 3;

/**
 * Three steps before step `index`: block `signal`, wait for it (rt_sigtimedwait), unblock
 * it. The process sits in rt_sigtimedwait until the test sends `signal` (from outside:
 * the waiting process may be PID 1 of its own pid namespace, which the kernel only
 * spares a signal it has blocked or handles) — long enough to kill the parent at exactly
 * that point.
 */
export function withPauseAt(plan: Plan, index: number, signal: number): Plan {
  stepAt(plan, index);
  const set = new Uint8Array(8);
  new DataView(set.buffer).setBigUint64(0, 1n << BigInt(signal - 1), true);
  const data = plan.data.length;
  const label = `fault injection: wait for signal ${signal} before step ${index}`;
  const sigset: Arg = { kind: 'data', index: data };
  const mask = (how: number): Step => ({
    syscall: 'rt_sigprocmask',
    nr: syscallNumber('rt_sigprocmask', plan.arch),
    args: [imm(how, 'sigmask-how'), sigset, imm(0, 'hex'), imm(8)],
    onError: { policy: 'fail' },
    label,
  });
  const wait: Step = {
    syscall: 'rt_sigtimedwait',
    nr: syscallNumber('rt_sigtimedwait', plan.arch),
    args: [sigset, imm(0, 'hex'), imm(0, 'hex'), imm(8)],
    onError: { policy: 'fail' },
    label,
  };
  return {
    ...plan,
    steps: insertBefore(plan.steps, index, [mask(SIG_BLOCK), wait, mask(SIG_UNBLOCK)]),
    data: [...plan.data, { kind: 'bytes', value: set, describe: `[signal ${signal}]` }],
  };
}

/**
 * `inserted` before step `index`. Jumps to a later step are renumbered; a jump to step
 * `index` lands on the inserted steps, as running into it does.
 */
function insertBefore(steps: readonly Step[], index: number, inserted: readonly Step[]): Step[] {
  const moved = steps.map((step) =>
    step.onError.policy === 'jump' && step.onError.to > index
      ? { ...step, onError: { policy: 'jump' as const, to: step.onError.to + inserted.length } }
      : step,
  );
  return [...moved.slice(0, index), ...inserted, ...moved.slice(index)];
}

function stepAt(plan: Plan, index: number): Step {
  const step = plan.steps[index];
  if (!Number.isInteger(index) || step === undefined) {
    throw new RangeError(`fault injection: no step ${index} in a plan of ${plan.steps.length} steps`);
  }
  return step;
}
