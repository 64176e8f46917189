import type { CgroupStats } from '@lc/nsinit';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatRow, statsRow } from './stats-watch.js';

const MIB = 1024 * 1024;

function stats(usageTotal: number, memory: number, limit: number | 'max', pids: number): CgroupStats {
  return {
    memory: { usage: memory, maxUsage: memory, limit, stat: {} },
    cpu: { usageTotal, usagePerCpu: [], throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } },
    pids: { current: pids, limit: 'max' },
    blkio: { ioServiceBytesRecursive: [] },
    freezer: 'THAWED',
  };
}

describe('statsRow', () => {
  const machine = { cpus: 4, memory: 8192 * MIB };

  it('takes CPU % from the usage delta over the wall time, over all CPUs', () => {
    // 1 s of CPU in 1 s on a 4-CPU machine: a quarter of it.
    const row = statsRow('c1', { stats: stats(0, 0, 'max', 1), at: 0 }, { stats: stats(1e9, 4 * MIB, 16 * MIB, 3), at: 1000 }, machine);
    expect(row).toEqual(['c1', '25.00%', '4MiB / 16MiB', '25.00%', '3']);
  });

  it('shows the machine memory for a container without a memory limit', () => {
    const row = statsRow('c1', { stats: stats(5, 0, 'max', 1), at: 0 }, { stats: stats(5, 1536 * 1024, 'max', 1), at: 500 }, machine);
    expect(row.slice(1, 4)).toEqual(['0.00%', '1.5MiB / 8GiB', '0.02%']);
  });
});

describe('formatBytes', () => {
  it('uses binary units with at most two decimals', () => {
    expect([0, 512, 2048, 1.5 * MIB, 16 * MIB, 1234567].map(formatBytes)).toEqual(['0B', '512B', '2KiB', '1.5MiB', '16MiB', '1.18MiB']);
  });
});

describe('formatRow', () => {
  it('pads every column but the last', () => {
    expect(formatRow(['a', 'b', 'c', 'd', 'e'])).toBe(`${'a'.padEnd(16)}   ${'b'.padEnd(8)}   ${'c'.padEnd(22)}   ${'d'.padEnd(8)}   e`);
  });
});
