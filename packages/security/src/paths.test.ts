import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { pathSteps } from './paths.js';

describe('pathSteps', () => {
  it('makes the 2014 restrictions: read-only /proc paths and /sys, /dev/null over /proc/kcore', () => {
    const b = new PlanBuilder('x64');
    pathSteps(
      b,
      testModel({
        readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys'],
        maskedPaths: ['/proc/kcore'],
      }),
    );
    const built = b.build();
    expect(renderPlan(built)).toMatchSnapshot();
    expect(built.steps.map((step) => step.label)).toEqual([
      'bind /proc/sys onto itself',
      'remount /proc/sys read-only',
      'bind /proc/sysrq-trigger onto itself',
      'remount /proc/sysrq-trigger read-only',
      'bind /proc/irq onto itself',
      'remount /proc/irq read-only',
      'bind /proc/bus onto itself',
      'remount /proc/bus read-only',
      'bind /sys onto itself',
      'remount /sys read-only',
      'mask /proc/kcore with /dev/null',
    ]);
    expect(built.steps.every((step) => step.onError.policy === 'ignore-errno')).toBe(true);
  });

  it('masks known /proc files with /dev/null and directories with a read-only tmpfs', () => {
    const b = new PlanBuilder('x64');
    pathSteps(
      b,
      testModel({
        maskedPaths: ['/proc/acpi', '/proc/keys', '/proc/timer_list/', '/sys/firmware', '/data/secrets'],
        readonlyPaths: ['/usr'],
        labels: { mountLabel: 'system_u:object_r:container_file_t:s0' },
      }),
    );
    expect(renderPlan(b.build())).toMatchSnapshot();
  });

  it('adds nothing without restrictions', () => {
    const b = new PlanBuilder('x64');
    pathSteps(b, testModel());
    expect(b.length).toBe(0);
  });
});
