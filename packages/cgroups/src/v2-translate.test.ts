import { describe, expect, it } from 'vitest';
import { blkioToIoWeight, sharesToWeight, v2Controllers, v2Writes } from './v2-translate.js';

const base = { name: 'c', parent: 'p', deviceAccess: true };

describe('v2 translation', () => {
  it("maps cpu shares onto cpu.weight with runc's formula", () => {
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(262144)).toBe(10000);
    expect(blkioToIoWeight(10)).toBe(1);
    expect(blkioToIoWeight(1000)).toBe(10000);
    expect(blkioToIoWeight(500)).toBe(4950);
  });

  it('gathers the throttle limits of a device into one io.max line', () => {
    const writes = v2Writes({
      ...base,
      blkioThrottle: [
        { kind: 'read_bps_device', major: 8, minor: 0, rate: 1048576 },
        { kind: 'write_iops_device', major: 8, minor: 16, rate: 50 },
        { kind: 'write_bps_device', major: 8, minor: 0, rate: 2097152 },
      ],
    });
    expect(writes).toEqual([
      { field: 'blkio_throttle_read_bps_device', file: 'io.max', value: '8:0 rbps=1048576 wbps=2097152' },
      { field: 'blkio_throttle_write_iops_device', file: 'io.max', value: '8:16 wiops=50' },
    ]);
    expect(v2Controllers(writes)).toEqual(new Map([['io', 'blkio_throttle_read_bps_device']]));
  });

  it('refuses oom_kill_disable, which v2 has no file for', () => {
    expect(() => v2Writes({ ...base, oomKillDisable: true })).toThrow('cgroups.oom_kill_disable: cgroup v2 cannot turn the OOM killer off');
  });

  it('writes every configured field, and only those', () => {
    expect(v2Writes(base)).toEqual([]);
    const writes = v2Writes({
      ...base,
      memory: 100 << 20,
      memorySwap: 300 << 20,
      memoryReservation: 50 << 20,
      memorySwappiness: 10,
      cpuShares: 512,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpusetCpus: '0',
      cpusetMems: '0',
      pidsLimit: 10,
      blkioWeight: 500,
      freezer: 'FROZEN',
    });
    expect(writes.map((w) => `${w.file}=${w.value}`)).toEqual([
      'cpuset.mems=0',
      'cpuset.cpus=0',
      `memory.max=${100 << 20}`,
      `memory.swap.max=${200 << 20}`,
      `memory.low=${50 << 20}`,
      'cpu.weight=20',
      'cpu.max=50000 100000',
      'pids.max=10',
      'io.weight=4950',
      'cgroup.freeze=1',
    ]);
    expect([...v2Controllers(writes).keys()]).toEqual(['cpuset', 'memory', 'cpu', 'pids', 'io']);
  });

  it('spells unlimited as max', () => {
    const writes = v2Writes({ ...base, memory: -1, memorySwap: -1, cpuQuota: -1, cpuPeriod: 50000, pidsLimit: 0 });
    expect(writes.map((w) => `${w.file}=${w.value}`)).toEqual([
      'memory.max=max',
      'memory.swap.max=max',
      'cpu.max=max 50000',
      'pids.max=max',
    ]);
    expect(v2Writes({ ...base, cpuQuota: 20000 }).map((w) => w.value)).toEqual(['20000']);
  });

  it('refuses a swap limit without a memory limit, naming the field', () => {
    expect(() => v2Writes({ ...base, memorySwap: 100 })).toThrow(/^cgroups\.memory_swap: needs a memory limit/);
  });
});
