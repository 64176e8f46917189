import { PlanBuilder, renderPlan } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { controllingTerminalSteps } from './controlling-terminal.js';

describe('controllingTerminalSteps', () => {
  it('makes a new session (unless it leads one already), then fd 0 its controlling terminal', () => {
    const b = new PlanBuilder('x64');
    controllingTerminalSteps(b);
    const plan = b.build();
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "0  setsid()  [EPERM ok]
      1  ioctl(0, TIOCSCTTY, 0)"
    `);
    expect(plan.steps.map((step) => step.label)).toEqual(['setsid', 'make the console the controlling terminal']);
  });
});
