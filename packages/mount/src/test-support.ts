// Shared by the tests: a minimal model, a rootfs tree for FakeSystem, and a rendering
// of the plan that shows each step's label beside the strace-like line.
import type { ContainerModel } from '@lc/config-types';
import { PlanBuilder, renderPlan } from '@lc/system';
import { type FakeFile, FakeSystem } from '@lc/system/testing';

export function testModel(overrides: Partial<ContainerModel> = {}): ContainerModel {
  return {
    rootfs: '/r',
    readonlyRootfs: false,
    noPivotRoot: false,
    namespaces: [{ kind: 'mount' }, { kind: 'uts' }, { kind: 'ipc' }, { kind: 'pid' }, { kind: 'network' }],
    process: { user: '', cwd: '/', env: [], terminal: false, capabilities: [], noNewPrivileges: false },
    mounts: [],
    devices: [],
    readonlyPaths: [],
    maskedPaths: [],
    uidMappings: [],
    gidMappings: [],
    networks: [],
    routes: [],
    labels: {},
    ...overrides,
  };
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
