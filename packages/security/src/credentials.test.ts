import type { Capability } from '@lc/config-types';
import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { credentialSteps } from './credentials.js';
import type { ResolvedUser } from './user.js';

const alice: ResolvedUser = { uid: 1000, gid: 1000, additionalGids: [10, 29], home: '/home/alice', name: 'alice' };
const root: ResolvedUser = { uid: 0, gid: 0, additionalGids: [], home: '/' };

function plan(options: { capabilities: Capability[]; noNewPrivileges?: boolean; user?: ResolvedUser; capLastCap?: number }) {
  const b = new PlanBuilder('x64');
  const model = testModel({
    process: {
      capabilities: options.capabilities,
      noNewPrivileges: options.noNewPrivileges ?? false,
    },
  });
  credentialSteps(b, model, options.user ?? alice, new FakeSystem({ capLastCap: options.capLastCap ?? 40 }));
  return b.build();
}

describe('credentialSteps', () => {
  it('drops every other capability, switches user, then sets the kept ones', () => {
    const built = plan({ capabilities: ['MKNOD', 'CHOWN'] });
    expect(renderPlan(built)).toMatchSnapshot();
    const labels = built.steps.map((step) => step.label);
    expect(labels).toContain('drop capability SYS_ADMIN from the bounding set');
    expect(labels).not.toContain('drop capability MKNOD from the bounding set');
    expect(labels).not.toContain('drop capability CHOWN from the bounding set');
    expect(built.steps.filter((step) => step.label.startsWith('drop capability'))).toHaveLength(39);
  });

  it('keeps the kernel-rule order: drops, keepcaps, groups, gid, uid, capset, ambient, pdeathsig', () => {
    const syscalls = plan({ capabilities: ['MKNOD'] }).steps.map((step) => step.syscall);
    const tail = syscalls.slice(syscalls.lastIndexOf('prctl', syscalls.indexOf('setgroups')));
    expect(tail).toEqual(['prctl', 'setgroups', 'setresgid', 'setresuid', 'capset', 'prctl', 'prctl']);
  });

  it('leaves the inheritable set empty and clears the ambient set (CVE-2022-29162)', () => {
    const rendered = renderPlan(plan({ capabilities: ['DAC_OVERRIDE', 'MKNOD'] })).split('\n');
    const capset = rendered.findIndex((line) => line.includes('capset('));
    expect(rendered[capset]).toMatch(/\{effective=permitted=CAP_DAC_OVERRIDE\|CAP_MKNOD, inheritable=0\}\)$/);
    expect(rendered[capset + 1]).toMatch(/prctl\(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0\)$/);
  });

  it('drops everything with an empty keep-list and clears the groups', () => {
    const built = plan({ capabilities: [], user: root });
    expect(built.steps.filter((step) => step.label.startsWith('drop capability'))).toHaveLength(41);
    expect(renderPlan(built).split('\n').slice(-6).join('\n')).toMatchSnapshot();
  });

  it('only drops and keeps capabilities the running kernel knows', () => {
    const built = plan({ capabilities: ['CHOWN', 'CHECKPOINT_RESTORE'], capLastCap: 37 });
    const drops = built.steps.filter((step) => step.label.startsWith('drop capability'));
    expect(drops).toHaveLength(37);
    expect(built.steps.find((step) => step.syscall === 'capset')?.label).toBe('set capabilities to [CHOWN]');
  });

  it('sets no_new_privs last when asked', () => {
    const built = plan({ capabilities: ['MKNOD'], noNewPrivileges: true });
    expect(renderPlan(built).split('\n').at(-1)).toMatch(/prctl\(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0\)$/);
    expect(built.steps.at(-1)?.label).toBe('set no_new_privs');
    expect(plan({ capabilities: ['MKNOD'] }).steps.some((step) => step.label === 'set no_new_privs')).toBe(false);
  });
});

describe('credentialSteps where setgroups is denied (rootless)', () => {
  it('leaves setgroups out and still switches gid and uid', () => {
    const b = new PlanBuilder('x64');
    credentialSteps(b, testModel(), alice, new FakeSystem(), { setgroups: false });
    const calls = b.build().steps.map((step) => step.syscall);
    expect(calls).not.toContain('setgroups');
    expect(calls).toContain('setresgid');
    expect(calls).toContain('setresuid');
  });
});
