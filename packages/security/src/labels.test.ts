import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { labelSteps } from './labels.js';

describe('labelSteps', () => {
  it('writes the AppArmor profile and the SELinux label for exec', () => {
    const b = new PlanBuilder('x64');
    labelSteps(b, testModel({ labels: { apparmorProfile: 'docker-default', processLabel: 'system_u:system_r:container_t:s0' } }));
    expect(renderPlan(b.build())).toMatchSnapshot();
  });

  it('adds nothing without labels', () => {
    const b = new PlanBuilder('x64');
    labelSteps(b, testModel());
    expect(b.length).toBe(0);
  });
});
