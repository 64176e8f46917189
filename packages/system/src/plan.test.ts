import { describe, expect, it } from 'vitest';
import { PlanBuilder } from './plan.js';
import * as steps from './plan-steps.js';
import { renderPlan } from './render-plan.js';

describe('PlanBuilder temporary slots', () => {
  it('reuses a released slot of the same name', () => {
    const b = new PlanBuilder('x64');
    const first = b.temporary('target');
    b.release(first);
    expect(b.temporary('target')).toEqual(first);
    expect(b.build().slots).toEqual([{ name: 'target', input: false }]);
  });

  it('numbers a second one in use at the same time, and keeps names apart', () => {
    const b = new PlanBuilder('x64');
    const outer = b.temporary('target');
    const inner = b.temporary('target');
    const other = b.temporary('source');
    steps.close(b, inner);
    steps.close(b, outer);
    steps.close(b, other);
    expect(renderPlan(b.build())).toBe('0  close($target-2)\n1  close($target)\n2  close($source)');
  });

  it('keeps a plan that opens an fd per mount within the native executor\'s 255 slots', () => {
    const b = new PlanBuilder('x64');
    for (let i = 0; i < 1000; i++) {
      const fd = b.temporary('target');
      steps.close(b, fd);
      b.release(fd);
    }
    expect(b.build().slots).toHaveLength(1);
  });

  it('refuses to release what is not a temporary, or twice', () => {
    const b = new PlanBuilder('x64');
    expect(() => b.release(b.slot('rootfs'))).toThrow('plan slot rootfs is not a temporary');
    const fd = b.temporary('target');
    b.release(fd);
    expect(() => b.release(fd)).toThrow('plan slot target released twice');
  });
});
