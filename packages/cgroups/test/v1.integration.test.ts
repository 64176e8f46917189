// The real v1 hierarchies of this host (skips where they are not mounted).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from '@lc/config-types';
import { isRoot } from '@lc/vitest-config';
import { afterAll, describe, expect, it } from 'vitest';
import { type CgroupManager, createCgroupManager, readLayout } from '../src/index.js';
import { counter, sleeper, stands, stop, uniqueName, until } from './helpers.js';

const layout = readLayout();
const hasV1 = layout.kind !== 'v2' && layout.v1.memory !== undefined && layout.v1.freezer !== undefined;
const read = (dir: string | undefined, file: string) => readFileSync(join(dir!, file), 'utf8').trim();

describe.skipIf(!isRoot || !hasV1)('V1Manager on the real kernel', () => {
  const managers: CgroupManager[] = [];
  const make = (cgroup: Partial<Cgroup>) => {
    const m = createCgroupManager({ name: uniqueName(), parent: 'lc-test', deviceAccess: true, ...cgroup });
    managers.push(m);
    return m;
  };

  afterAll(() => {
    // Last made, first removed: the first manager made the shared parent and removes it.
    for (const m of [...managers].reverse()) m.destroy();
    for (const m of managers) for (const dir of [...Object.values(m.paths), ...m.created]) expect(existsSync(dir)).toBe(false);
  });

  it('writes every limit, joins a process, reads stats, and leaves nothing', async () => {
    const m = make({
      memory: 64 << 20,
      memorySwap: 128 << 20,
      memoryReservation: 32 << 20,
      memorySwappiness: 10,
      cpuShares: 512,
      cpuPeriod: 100000,
      cpuQuota: 50000,
      cpusetCpus: '0',
      cpusetMems: '0',
      pidsLimit: 20,
      deviceAccess: false,
    });
    m.create();
    const { paths } = m;
    expect(paths.memory).toContain(readFileSync('/proc/self/cgroup', 'utf8').match(/:memory:(.*)/)?.[1] ?? '/');
    expect(read(paths.memory, 'memory.limit_in_bytes')).toBe(String(64 << 20));
    expect(read(paths.memory, 'memory.memsw.limit_in_bytes')).toBe(String(128 << 20));
    expect(read(paths.memory, 'memory.soft_limit_in_bytes')).toBe(String(32 << 20));
    expect(read(paths.memory, 'memory.swappiness')).toBe('10');
    expect(read(paths.cpu, 'cpu.shares')).toBe('512');
    expect(read(paths.cpu, 'cpu.cfs_quota_us')).toBe('50000');
    expect(read(paths.cpu, 'cpu.cfs_period_us')).toBe('100000');
    expect(read(paths.cpuset, 'cpuset.cpus')).toBe('0');
    expect(read(paths.cpuset, 'cpuset.mems')).toBe('0');
    expect(read(paths.pids, 'pids.max')).toBe('20');
    expect(read(paths.devices, 'devices.list')).toContain('c 1:3 rwm');
    expect(read(paths.devices, 'devices.list')).not.toContain('a *:* rwm');

    const child = sleeper();
    try {
      m.join(child.pid!);
      const own = readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
      expect(own).toContain(`:pids:${paths.pids!.slice(layout.v1.pids!.mountPoint.length)}`);
      expect(readFileSync(`/proc/${child.pid}/status`, 'utf8')).toMatch(/^Cpus_allowed_list:\s+0$/m);
      const stats = m.stats();
      expect(stats.pids).toEqual({ current: 1, limit: 20 });
      expect(stats.memory.limit).toBe(64 << 20);
      expect(stats.cpu.usagePerCpu.length).toBeGreaterThan(0);
      expect(stats.freezer).toBe('THAWED');
    } finally {
      await stop(child);
    }
    m.destroy();
    for (const dir of Object.values(paths)) expect(existsSync(dir)).toBe(false);
    for (const dir of m.created) expect(existsSync(dir)).toBe(false);
  });

  it('creates a cgroup frozen when freezer says FROZEN', async () => {
    const m = make({ freezer: 'FROZEN' });
    m.create();
    expect(read(m.paths.freezer!, 'freezer.state')).toBe('FROZEN');
    await m.thaw();
    expect(read(m.paths.freezer!, 'freezer.state')).toBe('THAWED');
  });

  it('writes blkio_weight to the weight file this kernel has (or names the field), and leaves nothing', () => {
    const m = make({ blkioWeight: 500 });
    let created = true;
    try {
      m.create();
    } catch (error) {
      created = false;
      expect(String(error)).toMatch(/cgroups\.blkio_weight: /);
      for (const dir of Object.values(m.paths)) expect(existsSync(dir)).toBe(false);
    }
    if (created) {
      const file = ['blkio.weight', 'blkio.bfq.weight'].find((name) => existsSync(join(m.paths.blkio!, name)));
      expect(read(m.paths.blkio!, file!)).toMatch(/\b500\b/);
    }
  });

  it('freezes a working process and lets it go on after thaw', async () => {
    const m = make({});
    m.create();
    const loop = counter();
    try {
      m.join(loop.child.pid!);
      expect(await until(() => loop.read() > 0)).toBe(true);
      await m.freeze();
      const stats = m.stats();
      expect(stats.freezer).toBe('FROZEN');
      // The loop works inside the cgroup: its counters moved.
      expect(stats.cpu.usageTotal).toBeGreaterThan(0);
      expect(stats.memory.usage).toBeGreaterThan(0);
      expect(stats.pids.current).toBeGreaterThan(0);
      expect(await stands(loop.read)).toBe(true);
      const frozenAt = loop.read();
      await m.thaw();
      expect(await until(() => loop.read() > frozenAt)).toBe(true);
    } finally {
      await stop(loop.child);
      loop.cleanup();
    }
    m.destroy();
  });

  it('reports a cpuset the kernel refuses as one line naming the field, and leaves nothing', () => {
    const m = make({ memory: 64 << 20, cpusetCpus: '99' });
    // EINVAL on older kernels, ERANGE (cpu number beyond nr_cpu_ids) on newer ones.
    expect(() => m.create()).toThrow(/^cgroups\.cpuset_cpus: write cpuset\.cpus = "99": (EINVAL|ERANGE)$/);
    for (const dir of Object.values(m.paths)) expect(existsSync(dir)).toBe(false);
  });

  it('refuses to remove a cgroup that still has a process (EBUSY)', async () => {
    const m = make({});
    m.create();
    const child = sleeper();
    try {
      m.join(child.pid!);
      expect(() => m.destroy()).toThrow(/^cgroups\.destroy: rmdir .*: EBUSY$/);
    } finally {
      await stop(child);
    }
    m.destroy();
  });
});
