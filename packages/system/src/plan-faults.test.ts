import { describe, expect, it } from 'vitest';
import { SIGNALS } from './constants.js';
import { errnoNumber } from './errno.js';
import { executePlan } from './execute-plan.js';
import { linuxSystem } from './linux-system.js';
import { ignoreErrno, type Plan, PlanBuilder } from './plan.js';
import { PAUSE_STEPS, withFailureAt, withPauseAt } from './plan-faults.js';
import * as steps from './plan-steps.js';
import { renderPlan } from './render-plan.js';
import { FakeSystem } from './testing/fake-system.js';

/** umask, chdir, an exec that falls back to a second path, and a last umask. */
function samplePlan(): Plan {
  const b = new PlanBuilder('x64');
  steps.umask(b, 0);
  steps.chdir(b, '/tmp', { onError: ignoreErrno(errnoNumber('ENOENT')) });
  steps.execve(b, '/usr/local/bin/true', ['true'], [], { onError: { policy: 'jump', to: 3 } });
  steps.execve(b, '/usr/bin/true', ['true'], []);
  steps.umask(b, 0o22);
  return b.build();
}

describe('withFailureAt', () => {
  it('puts close(-1) before the step, under its label and with the fail policy, renumbering later jumps', () => {
    const plan = samplePlan();
    const failing = withFailureAt(plan, 1);
    expect(failing.steps).toHaveLength(plan.steps.length + 1);
    expect(failing.steps[1]).toMatchObject({ syscall: 'close', label: 'chdir /tmp', onError: { policy: 'fail' } });
    expect(renderPlan(failing).split('\n').slice(1, 5)).toEqual([
      '1  close(-1)',
      '2  chdir("/tmp")  [ENOENT ok]',
      '3  execve("/usr/local/bin/true", ["true"], [])  [on error goto 4]',
      '4  execve("/usr/bin/true", ["true"], [])',
    ]);
  });

  it('fails with EBADF on the real kernel, as the step it stands before', () => {
    const b = new PlanBuilder(linuxSystem().arch);
    steps.umask(b, 0o22);
    steps.umask(b, 0o22);
    expect(executePlan(withFailureAt(b.build(), 1), linuxSystem(), {})).toEqual({ step: 1, errno: errnoNumber('EBADF') });
  });

  it('names a step the plan does not have', () => {
    expect(() => withFailureAt(samplePlan(), 5)).toThrow('fault injection: no step 5 in a plan of 5 steps');
    expect(() => withFailureAt(samplePlan(), -1)).toThrow('fault injection: no step -1 in a plan of 5 steps');
  });
});

describe('withPauseAt', () => {
  it('blocks, waits for and unblocks the signal before the step, renumbering later jumps', () => {
    const paused = withPauseAt(samplePlan(), 2, SIGNALS.SIGUSR2);
    expect(paused.steps).toHaveLength(5 + PAUSE_STEPS);
    expect(renderPlan(paused).split('\n').slice(2, 6)).toEqual([
      '2  rt_sigprocmask(SIG_BLOCK, [signal 12], NULL, 8)',
      '3  rt_sigtimedwait([signal 12], NULL, NULL, 8)',
      '4  rt_sigprocmask(SIG_UNBLOCK, [signal 12], NULL, 8)',
      '5  execve("/usr/local/bin/true", ["true"], [])  [on error goto 6]',
    ]);
  });

  it('lands a jump to the paused step on the pause', () => {
    const paused = withPauseAt(samplePlan(), 3, SIGNALS.SIGUSR2);
    expect(paused.steps[2]?.onError).toEqual({ policy: 'jump', to: 3 });
    expect(paused.steps[3]?.syscall).toBe('rt_sigprocmask');
  });

  it('runs the steps in order: the set holds only the signal', () => {
    const seen: { name: string; args: readonly bigint[] }[] = [];
    const sys = new FakeSystem().script('syscall', (name, _nr, args) => {
      seen.push({ name, args });
      return 0n;
    });
    executePlan(withPauseAt(samplePlan(), 0, SIGNALS.SIGUSR2), sys, {});
    expect(seen.slice(0, 4).map((call) => call.name)).toEqual(['rt_sigprocmask', 'rt_sigtimedwait', 'rt_sigprocmask', 'umask']);
    const set = withPauseAt(samplePlan(), 0, SIGNALS.SIGUSR2).data.at(-1);
    expect(set).toEqual({ kind: 'bytes', value: Uint8Array.of(0, 8, 0, 0, 0, 0, 0, 0), describe: '[signal 12]' });
  });
});
