// The host's cgroup2 hierarchy (pure v2, or the hybrid "unified" mount, which here has no
// controllers: only what cgroup2 does without them is tested then).
import { existsSync, readFileSync } from 'node:fs';
import { isRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { createCgroupManager, readLayout } from '../src/index.js';
import { counter, sleeper, stands, stop, uniqueName, until } from './helpers.js';

const host = readLayout();
const unified = host.unified;

describe.skipIf(!isRoot || unified === undefined)('V2Manager on the real cgroup2 hierarchy', () => {
  const make = () =>
    createCgroupManager(
      { name: uniqueName(), parent: 'lc-test', deviceAccess: true },
      { layout: { kind: 'v2', v1: {}, unified: unified! } },
    );

  it('makes a cgroup, joins a process, freezes it, and removes it', async () => {
    const m = make();
    expect(m.layout).toBe('v2');
    m.create();
    const dir = m.paths.unified!;
    expect(existsSync(`${dir}/cgroup.procs`)).toBe(true);
    const loop = counter();
    try {
      m.join(loop.child.pid!);
      const path = dir.slice(unified!.mountPoint.length);
      expect(readFileSync(`/proc/${loop.child.pid}/cgroup`, 'utf8')).toContain(`0::${path}\n`);
      expect(await until(() => loop.read() > 0)).toBe(true);
      // cgroup.freeze is core cgroup2: it works without any controller.
      await m.freeze();
      expect(m.stats().freezer).toBe('FROZEN');
      expect(await stands(loop.read)).toBe(true);
      const frozenAt = loop.read();
      await m.thaw();
      expect(await until(() => loop.read() > frozenAt)).toBe(true);
      expect(m.stats().cpu.usageTotal).toBeGreaterThan(0);
    } finally {
      await stop(loop.child);
      loop.cleanup();
    }
    m.destroy();
    expect(existsSync(dir)).toBe(false);
    for (const made of m.created) expect(existsSync(made)).toBe(false);
  });

  it('retries then reports EBUSY while a process is left, then removes it', async () => {
    const m = make();
    m.create();
    const child = sleeper();
    try {
      m.join(child.pid!);
      expect(() => m.destroy()).toThrow(/EBUSY$/);
    } finally {
      await stop(child);
    }
    m.destroy();
    expect(existsSync(m.paths.unified!)).toBe(false);
  });
});
