import { PlanBuilder, SIGNALS, steps } from '@lc/system';
import { afterEach, describe, expect, it } from 'vitest';
import { withTestFault } from './fault-injection.js';

function plan() {
  const b = new PlanBuilder('x64');
  steps.umask(b, 0);
  steps.chdir(b, '/');
  return b.build();
}

describe('withTestFault', () => {
  afterEach(() => {
    delete process.env.LC_TEST_FAULT;
  });

  it('leaves the plan as built when LC_TEST_FAULT is unset or empty', () => {
    const built = plan();
    expect(withTestFault(built)).toBe(built);
    process.env.LC_TEST_FAULT = '';
    expect(withTestFault(built)).toBe(built);
  });

  it('fail:N puts close(-1) under the label of step N before it', () => {
    process.env.LC_TEST_FAULT = 'fail:1';
    expect(withTestFault(plan()).steps[1]).toMatchObject({ syscall: 'close', label: 'chdir /' });
  });

  it('pause:N holds the process before step N until SIGUSR2', () => {
    process.env.LC_TEST_FAULT = 'pause:1';
    const paused = withTestFault(plan());
    expect(paused.steps.map((step) => step.syscall)).toEqual(['umask', 'rt_sigprocmask', 'rt_sigtimedwait', 'rt_sigprocmask', 'chdir']);
    expect(paused.steps[2]?.label).toBe(`fault injection: wait for signal ${SIGNALS.SIGUSR2} before step 1`);
  });

  it('kill:P changes no plan (nsinit kills itself at the point)', () => {
    process.env.LC_TEST_FAULT = 'kill:exec';
    const built = plan();
    expect(withTestFault(built)).toBe(built);
  });

  it('refuses what it does not know, in one line naming the variable', () => {
    for (const value of ['fail', 'fail:-1', 'fail:1x', 'kill:nowhere', 'crash:1']) {
      process.env.LC_TEST_FAULT = value;
      expect(() => withTestFault(plan())).toThrow(/^LC_TEST_FAULT: expected fail:N, pause:N or kill:<locked\|[a-z|-]+>, got "[^"]+"$/);
    }
    process.env.LC_TEST_FAULT = 'fail:2';
    expect(() => withTestFault(plan())).toThrow('fault injection: no step 2 in a plan of 2 steps');
  });
});
