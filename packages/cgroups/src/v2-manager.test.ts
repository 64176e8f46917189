import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from '@lc/config-types';
import { afterEach, describe, expect, it } from 'vitest';
import { createCgroupManager } from './create-cgroup-manager.js';
import type { DeviceRule } from './devices.js';
import { FakeCgroupFs } from './fake-cgroupfs.js';

let fs: FakeCgroupFs;
afterEach(() => FakeCgroupFs.cleanupAll());

const base: Cgroup = { name: 'c1', parent: 'lc/sub', deviceAccess: true };

function manager(cgroup: Partial<Cgroup> = {}, selfCgroup = '0::/\n') {
  fs = new FakeCgroupFs('v2');
  return createCgroupManager({ ...base, ...cgroup }, { root: fs.root, files: fs, selfCgroup });
}

describe('V2Manager', () => {
  it('is picked for a root with cgroup.controllers and nests under our cgroup', () => {
    fs = new FakeCgroupFs('v2');
    mkdirSync(join(fs.root, 'user.slice'));
    const m = createCgroupManager(base, { root: fs.root, files: fs, selfCgroup: '0::/user.slice\n' });
    expect(m.layout).toBe('v2');
    expect(m.paths).toEqual({ unified: join(fs.root, 'user.slice/lc/sub/c1') });
  });

  it('enables controllers at every level above the container, then writes the translated limits', () => {
    const m = manager({ memory: 100 << 20, memorySwap: 150 << 20, cpuShares: 1024, cpuQuota: 50000, pidsLimit: 8 });
    m.create();
    const writes = fs.writes.map(([path, value]) => `${path}=${value}`);
    const enables = writes.filter((w) => w.includes('subtree_control'));
    // cpu, memory, pids (configured) and io (stats) at /, lc, lc/sub.
    for (const level of ['', 'lc/', 'lc/sub/']) {
      for (const c of ['memory', 'cpu', 'pids', 'io']) expect(enables).toContain(`${level}cgroup.subtree_control=+${c}`);
    }
    expect(enables).not.toContain('lc/sub/c1/cgroup.subtree_control=+memory');
    expect(writes.filter((w) => !w.includes('subtree_control'))).toEqual([
      `lc/sub/c1/memory.max=${100 << 20}`,
      `lc/sub/c1/memory.swap.max=${50 << 20}`,
      'lc/sub/c1/cpu.weight=39',
      'lc/sub/c1/cpu.max=50000',
      'lc/sub/c1/pids.max=8',
    ]);
  });

  it('enables no controller for a devices-only cgroup, and attaches its device rules', () => {
    fs = new FakeCgroupFs('v2');
    const attached: string[] = [];
    const m = createCgroupManager(
      { ...base, devicesOnly: true, deviceAccess: false },
      { root: fs.root, files: fs, selfCgroup: '0::/\n', attachDevices: (dir, rules) => attached.push(`${dir}: ${rules.length}`) },
    );
    m.create();
    expect(fs.writes.filter(([path]) => path.endsWith('subtree_control'))).toEqual([]);
    expect(attached).toEqual([`${join(fs.root, 'lc/sub/c1')}: 12`]);
  });

  it('names the field when its controller is not available, before making anything', () => {
    const m = manager({ pidsLimit: 8 });
    writeFileSync(join(fs.root, 'cgroup.controllers'), 'hugetlb\n');
    expect(() => m.create()).toThrow(/^cgroups\.pids_limit: the pids controller is not available in /);
    expect(fs.directories()).toEqual([]);
  });

  it('names the field when enabling its controller fails, and removes what it made', () => {
    const m = manager({ memory: 1 << 20 });
    fs.failWrite('lc/cgroup.subtree_control', 'EBUSY');
    expect(() => m.create()).toThrow(/^cgroups\.memory: write .*\/lc\/cgroup\.subtree_control = "\+memory": EBUSY$/);
    expect(fs.directories()).toEqual([]);
  });

  it('ignores a stats-only controller it cannot enable', () => {
    const m = manager();
    fs.failWrite('cgroup.subtree_control', 'EBUSY');
    m.create();
    expect(fs.directories()).toEqual(['lc', 'lc/sub', 'lc/sub/c1']);
  });

  it('hands device rules to attachDevices', () => {
    fs = new FakeCgroupFs('v2');
    const seen: [string, readonly DeviceRule[]][] = [];
    const m = createCgroupManager(
      { ...base, deviceAccess: false },
      { root: fs.root, files: fs, selfCgroup: '', attachDevices: (dir, rules) => seen.push([dir, rules]) },
    );
    m.create();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toBe(m.paths.unified);
    expect(seen[0]?.[1][0]).toEqual({ type: 'a', major: '*', minor: '*', access: 'rwm', allow: false });
  });

  it('freezes through cgroup.freeze and waits for cgroup.events', async () => {
    const m = manager();
    m.create();
    await m.freeze();
    expect(m.stats().freezer).toBe('FROZEN');
    await m.thaw();
    expect(m.stats().freezer).toBe('THAWED');
  });

  it('times out when the kernel never reports frozen', async () => {
    fs = new FakeCgroupFs('v2');
    const files = fs;
    const original = fs.write.bind(fs);
    fs.write = (path, value) => {
      original(path, value);
      if (path.endsWith('cgroup.freeze')) writeFileSync(join(path, '..', 'cgroup.events'), 'frozen 0\n');
    };
    const m = createCgroupManager(base, { root: fs.root, files, selfCgroup: '', freezeTimeoutMs: 30 });
    m.create();
    await expect(m.freeze()).rejects.toThrow(/^cgroups\.freezer: cgroup\.events not frozen 1 30 ms after/);
    expect(fs.file('lc/sub/c1/cgroup.freeze')).toBe('0');
  });

  it('reads stats from the v2 files', () => {
    const m = manager();
    m.create();
    const dir = join(fs.root, 'lc/sub/c1');
    writeFileSync(join(dir, 'memory.current'), '8192\n');
    writeFileSync(join(dir, 'memory.max'), '1048576\n');
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 7\nnr_periods 2\nnr_throttled 1\nthrottled_usec 3\n');
    writeFileSync(join(dir, 'pids.current'), '2\n');
    writeFileSync(join(dir, 'pids.max'), '10\n');
    const stats = m.stats();
    expect(stats.memory).toEqual({ usage: 8192, maxUsage: 0, limit: 1048576, stat: { anon: 0, file: 0 } });
    expect(stats.cpu).toEqual({
      usageTotal: 7000,
      usagePerCpu: [],
      throttling: { periods: 2, throttledPeriods: 1, throttledTime: 3000 },
    });
    expect(stats.pids).toEqual({ current: 2, limit: 10 });
    expect(stats.freezer).toBe('THAWED');
  });

  it('destroys the leaf and the parents it made', () => {
    const m = manager();
    m.create();
    m.destroy();
    expect(fs.directories()).toEqual([]);
  });
});
