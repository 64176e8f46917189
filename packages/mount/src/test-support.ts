// Shared by the tests: a minimal model, a rootfs tree for FakeSystem, and a rendering
// of the plan that shows each step's label beside the strace-like line.
import type { ContainerModel } from '@lc/config-types';
import { testModel as baseTestModel, type ModelOverrides } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan } from '@lc/system';
import { type FakeFile, FakeSystem } from '@lc/system/testing';
import type { Rootfs } from './mount-target.js';

/** The model of a container with all five 2014 namespaces at rootfs /r. */
export function testModel(overrides: ModelOverrides = {}): ContainerModel {
  return baseTestModel({
    namespaces: [{ kind: 'mount' }, { kind: 'uts' }, { kind: 'ipc' }, { kind: 'pid' }, { kind: 'network' }],
    ...overrides,
  });
}

/** A rootfs at /r with the usual directories, plus host files the tests bind. */
export function testSystem(extra: Readonly<Record<string, FakeFile | string>> = {}): FakeSystem {
  return new FakeSystem({
    files: {
      '/r/proc': { type: 'directory' },
      '/r/sys': { type: 'directory' },
      '/r/dev': { type: 'directory' },
      '/r/etc/passwd': 'root:x:0:0::/root:/bin/sh\n',
      '/r/tmp': { type: 'directory' },
      '/proc/kcore': { type: 'file' },
      ...extra,
    },
  });
}

export function builder(): PlanBuilder {
  return new PlanBuilder('x64');
}

/** The plan, one step a line, with its label: `mkdirat(...)  # mkdir /r/data`. */
export function show(b: PlanBuilder): string {
  const plan = b.build();
  if (plan.steps.length === 0) return '(no steps)';
  const lines = renderPlan(plan).split('\n');
  return `\n${lines.map((line, i) => `${line}  # ${plan.steps[i]?.label}`).join('\n')}\n`;
}

/** The rootfs fd a plan holds (what rootfsSteps returns), for the steps that follow it. */
export function testRoot(b: PlanBuilder): Rootfs {
  return { fd: b.slot('rootfs'), hostPath: '/r' };
}
