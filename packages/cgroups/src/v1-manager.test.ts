import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from '@lc/config-types';
import { afterEach, describe, expect, it } from 'vitest';
import { CgroupError } from './cgroup-error.js';
import { createCgroupManager } from './create-cgroup-manager.js';
import { FakeCgroupFs } from './fake-cgroupfs.js';

let fs: FakeCgroupFs;
afterEach(() => FakeCgroupFs.cleanupAll());

const base: Cgroup = { name: 'c1', parent: 'lc', deviceAccess: true };

function manager(cgroup: Partial<Cgroup> = {}, options: { selfCgroup?: string; created?: string[] } = {}) {
  fs = new FakeCgroupFs('v1');
  return createCgroupManager({ ...base, ...cgroup }, { root: fs.root, files: fs, ...options });
}

describe('V1Manager', () => {
  it('places one directory per hierarchy under our own cgroup', () => {
    const m = manager({}, { selfCgroup: '4:memory:/process_api/abc\n1:cpu:/\n0::/\n' });
    expect(m.layout).toBe('v1');
    expect(m.paths.memory).toBe(join(fs.root, 'memory/process_api/abc/lc/c1'));
    expect(m.paths.cpu).toBe(join(fs.root, 'cpu/lc/c1'));
    expect(Object.keys(m.paths).sort()).toEqual(
      ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'perf_event', 'pids'].sort(),
    );
  });

  it('writes every configured field to its file, in order', () => {
    const m = manager({
      memory: 100 << 20,
      memorySwap: 200 << 20,
      memoryReservation: 50 << 20,
      memorySwappiness: 0,
      oomKillDisable: true,
      cpuShares: 512,
      cpuPeriod: 50000,
      cpuQuota: 25000,
      cpusetCpus: '1',
      cpusetMems: '0',
      pidsLimit: 32,
      blkioWeight: 300,
      blkioThrottle: [
        { kind: 'read_bps_device', major: 8, minor: 0, rate: 1048576 },
        { kind: 'write_iops_device', major: 8, minor: 0, rate: 100 },
      ],
      freezer: 'THAWED',
    });
    m.create();
    expect(fs.writes.map(([path, value]) => `${path}=${value}`)).toEqual([
      // copy-down into the new parent, then the leaf
      'cpuset/lc/cpuset.cpus=0-1',
      'cpuset/lc/cpuset.mems=0',
      'cpuset/lc/c1/cpuset.cpus=0-1',
      'cpuset/lc/c1/cpuset.mems=0',
      'cpuset/lc/c1/cpuset.mems=0',
      'cpuset/lc/c1/cpuset.cpus=1',
      // memsw is unlimited now and the new one is lower: limit first
      `memory/lc/c1/memory.limit_in_bytes=${100 << 20}`,
      `memory/lc/c1/memory.memsw.limit_in_bytes=${200 << 20}`,
      `memory/lc/c1/memory.soft_limit_in_bytes=${50 << 20}`,
      'memory/lc/c1/memory.swappiness=0',
      'memory/lc/c1/memory.oom_control=1',
      'cpu/lc/c1/cpu.shares=512',
      'cpu/lc/c1/cpu.cfs_period_us=50000',
      'cpu/lc/c1/cpu.cfs_quota_us=25000',
      'pids/lc/c1/pids.max=32',
      'blkio/lc/c1/blkio.bfq.weight=300',
      'blkio/lc/c1/blkio.throttle.read_bps_device=8:0 1048576',
      'blkio/lc/c1/blkio.throttle.write_iops_device=8:0 100',
      'freezer/lc/c1/freezer.state=THAWED',
    ]);
    expect(fs.file('cpuset/lc/c1/cpuset.cpus')).toBe('1');
  });

  it('writes nothing for a config with no limits and device_access', () => {
    manager().create();
    expect(fs.writes.filter(([path]) => !path.startsWith('cpuset/'))).toEqual([]);
  });

  it('raises memsw before the limit when the new limit is above the current memsw', () => {
    const m = manager({ memory: 300 << 20, memorySwap: 400 << 20 });
    // An existing cgroup with memory 100M and memsw 200M.
    const dir = join(fs.root, 'memory/lc/c1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(100 << 20));
    writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(200 << 20));
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'blkio', 'pids', 'perf_event']) {
      mkdirSync(join(fs.root, c, 'lc/c1'), { recursive: true });
    }
    writeFileSync(join(fs.root, 'cpuset/lc/cpuset.cpus'), '0');
    writeFileSync(join(fs.root, 'cpuset/lc/cpuset.mems'), '0');
    writeFileSync(join(fs.root, 'cpuset/lc/c1/cpuset.cpus'), '0');
    writeFileSync(join(fs.root, 'cpuset/lc/c1/cpuset.mems'), '0');
    m.create();
    expect(fs.writes.map(([path]) => path)).toEqual([
      'memory/lc/c1/memory.memsw.limit_in_bytes',
      'memory/lc/c1/memory.limit_in_bytes',
    ]);
  });

  it('writes -1 for unlimited swap, before the limit', () => {
    manager({ memory: 100 << 20, memorySwap: -1 }).create();
    expect(fs.writes.filter(([p]) => p.startsWith('memory/'))).toEqual([
      ['memory/lc/c1/memory.memsw.limit_in_bytes', '-1'],
      ['memory/lc/c1/memory.limit_in_bytes', String(100 << 20)],
    ]);
  });

  it('refuses memory_swap below memory before making anything', () => {
    const m = manager({ memory: 200, memorySwap: 100 });
    expect(() => m.create()).toThrow('cgroups.memory_swap: 100 is less than memory (200): it counts memory plus swap');
    expect(fs.directories()).not.toContain('memory/lc');
  });

  it('writes the default device rules, deny-all first, unless device_access', () => {
    const m = manager({ deviceAccess: false });
    m.create();
    const devices = fs.writes.filter(([path]) => path.startsWith('devices/'));
    expect(devices[0]).toEqual(['devices/lc/c1/devices.deny', 'a *:* rwm']);
    expect(devices).toContainEqual(['devices/lc/c1/devices.allow', 'c 1:3 rwm']);
    expect(devices).toContainEqual(['devices/lc/c1/devices.allow', 'c 136:* rwm']);
    expect(devices).toHaveLength(12);
  });

  it('makes a devices-only cgroup in the devices hierarchy alone, and joins only it', () => {
    const m = manager({ devicesOnly: true, deviceAccess: false });
    m.create();
    expect(Object.keys(m.paths)).toEqual(['devices']);
    expect(fs.writes.filter(([path]) => !path.startsWith('devices/'))).toEqual([]);
    expect(fs.writes[0]).toEqual(['devices/lc/c1/devices.deny', 'a *:* rwm']);
    m.join(4242);
    expect(fs.writes.filter(([path]) => path.endsWith('cgroup.procs'))).toEqual([['devices/lc/c1/cgroup.procs', '4242']]);
    m.destroy();
    expect(fs.directories().filter((dir) => dir.includes('lc'))).toEqual([]);
  });

  it('joins every hierarchy once; the copied-down cpuset takes the task', () => {
    const m = manager();
    m.create();
    m.join(4242);
    const joins = fs.writes.filter(([path]) => path.endsWith('cgroup.procs'));
    expect(joins).toHaveLength(9);
    expect(fs.file('cpuset/lc/c1/cgroup.procs')).toBe('4242');
  });

  it('removes what it made when the cpuset copy-down fails', () => {
    const m = manager({ memory: 1 << 20 });
    fs.failWrite('lc/c1/cpuset.cpus', 'EINVAL');
    let error: unknown;
    try {
      m.create();
    } catch (e) {
      error = e;
    }
    expect(CgroupError.isInstance(error)).toBe(true);
    expect((error as CgroupError).code).toBe('EINVAL');
    expect(fs.directories().filter((d) => d.includes('lc'))).toEqual([]);
    expect(fs.directories()).toContain('memory');
  });

  it('reports the configured cpuset write that fails', () => {
    const m = manager({ cpusetCpus: '99' });
    // Two copy-down writes into lc and one into lc/c1 succeed; then mems (copy), then cpus = 99.
    const original = fs.write.bind(fs);
    fs.write = (path, value) => {
      if (value === '99') throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
      original(path, value);
    };
    expect(() => m.create()).toThrow(/^cgroups\.cpuset_cpus: write cpuset\.cpus = "99": EINVAL$/);
    expect(fs.directories().filter((d) => d.includes('lc'))).toEqual([]);
  });

  it('removes only what it made when a directory already existed', () => {
    const m = manager({ pidsLimit: 5 });
    mkdirSync(join(fs.root, 'pids/lc/other'), { recursive: true });
    fs.failWrite('pids.max', 'EACCES');
    expect(() => m.create()).toThrow('cgroups.pids_limit: write pids.max = "5": EACCES');
    expect(fs.directories().filter((d) => d.includes('lc'))).toEqual(['pids/lc', 'pids/lc/other']);
  });

  it('fails on a file that is a directory, and cleans up', () => {
    const m = manager({ pidsLimit: 5 });
    const original = fs.mkdir.bind(fs);
    fs.mkdir = (path) => {
      original(path);
      if (path.endsWith('pids/lc/c1')) {
        rmSync(join(path, 'pids.max'));
        mkdirSync(join(path, 'pids.max'));
      }
    };
    expect(() => m.create()).toThrow(/^cgroups\.pids_limit: write pids\.max = "5": EISDIR$/);
    // Every other hierarchy is cleaned up; the pids leaf stays only because its
    // "pids.max" directory makes it a parent, which cgroupfs never has.
    expect(fs.directories().filter((d) => d.includes('lc'))).toEqual(['pids/lc', 'pids/lc/c1', 'pids/lc/c1/pids.max']);
  });

  it('names blkio_weight when no weight file exists', () => {
    const m = manager({ blkioWeight: 500 });
    const original = fs.exists.bind(fs);
    fs.exists = (path) => !path.endsWith('weight') && original(path);
    expect(() => m.create()).toThrow(/^cgroups\.blkio_weight: no blkio\.weight or blkio\.bfq\.weight in /);
  });

  it('refuses shares the kernel clamped', () => {
    const m = manager({ cpuShares: 1 });
    const original = fs.write.bind(fs);
    fs.write = (path, value) => original(path, path.endsWith('cpu.shares') && value === '1' ? '2' : value);
    expect(() => m.create()).toThrow('cgroups.cpu_shares: write cpu.shares = "1": the kernel set 2 (range 2–262144)');
  });

  it('destroys the leaves and the parents it made, deepest first', () => {
    const m = manager();
    m.create();
    expect(m.created).toContain(join(fs.root, 'memory/lc'));
    m.destroy();
    expect(fs.directories()).toEqual(
      ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'perf_event', 'pids'].sort(),
    );
    m.destroy(); // ENOENT is fine
  });

  it('leaves a parent another container still uses', () => {
    const m = manager();
    m.create();
    mkdirSync(join(fs.root, 'memory/lc/other'));
    m.destroy();
    expect(fs.directories()).toContain('memory/lc/other');
    expect(fs.directories()).not.toContain('memory/lc/c1');
  });

  it('removes parents recorded by an earlier create', () => {
    const first = manager();
    first.create();
    const second = createCgroupManager(base, { root: fs.root, files: fs, created: [...first.created] });
    second.destroy();
    expect(fs.directories().filter((d) => d.includes('lc'))).toEqual([]);
  });

  it('throws EBUSY when a leaf keeps a child cgroup', () => {
    const m = manager();
    m.create();
    mkdirSync(join(fs.root, 'pids/lc/c1/sub'));
    expect(() => m.destroy()).toThrow(/^cgroups\.destroy: rmdir .*pids\/lc\/c1: EBUSY$/);
  });

  it('freezes and thaws through freezer.state', async () => {
    const m = manager();
    m.create();
    await m.freeze();
    expect(fs.file('freezer/lc/c1/freezer.state')).toBe('FROZEN');
    expect(m.stats().freezer).toBe('FROZEN');
    await m.thaw();
    expect(m.stats().freezer).toBe('THAWED');
  });

  it('gives up on a freeze that never completes, and thaws back', async () => {
    fs = new FakeCgroupFs('v1');
    const files = fs;
    const original = fs.write.bind(fs);
    fs.write = (path, value) => original(path, path.endsWith('freezer.state') && value === 'FROZEN' ? 'FREEZING' : value);
    const m = createCgroupManager(base, { root: fs.root, files, freezeTimeoutMs: 50 });
    m.create();
    await expect(m.freeze()).rejects.toThrow(/^cgroups\.freezer: freezer\.state still FREEZING 50 ms after writing FROZEN$/);
    expect(fs.file('freezer/lc/c1/freezer.state')).toBe('THAWED');
  });

  it('reads stats from the v1 files', () => {
    const m = manager();
    m.create();
    writeFileSync(join(fs.root, 'memory/lc/c1/memory.usage_in_bytes'), '4096\n');
    writeFileSync(join(fs.root, 'memory/lc/c1/memory.limit_in_bytes'), '1048576\n');
    writeFileSync(join(fs.root, 'cpuacct/lc/c1/cpuacct.usage_percpu'), '10 20 \n');
    writeFileSync(join(fs.root, 'cpuacct/lc/c1/cpuacct.usage'), '30\n');
    writeFileSync(join(fs.root, 'cpu/lc/c1/cpu.stat'), 'nr_periods 4\nnr_throttled 1\nthrottled_time 500\n');
    writeFileSync(join(fs.root, 'pids/lc/c1/pids.current'), '3\n');
    writeFileSync(join(fs.root, 'blkio/lc/c1/blkio.bfq.io_service_bytes_recursive'), '8:0 Read 512\nTotal 512\n');
    const stats = m.stats();
    expect(stats.memory).toEqual({ usage: 4096, maxUsage: 0, limit: 1048576, stat: { cache: 0, rss: 0 } });
    expect(stats.cpu).toEqual({
      usageTotal: 30,
      usagePerCpu: [10, 20],
      throttling: { periods: 4, throttledPeriods: 1, throttledTime: 500 },
    });
    expect(stats.pids).toEqual({ current: 3, limit: 'max' });
    expect(stats.blkio.ioServiceBytesRecursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 512 }]);
  });

  it('refuses a name that climbs out of the tree', () => {
    expect(() => manager({ name: '..' })).toThrow('cgroups.name: ".." has a ".." component');
    expect(() => manager({ parent: 'a/../..' })).toThrow('cgroups.parent: "a/../.." has a ".." component');
  });
});
