import type { CgroupFiles } from './cgroup-files.js';
import {
  type CgroupStats,
  type FreezerState,
  parseKeyValues,
  parseLimit,
  parseNumber,
  parseV2IoStat,
  readOptional,
} from './stats.js';

/** cgroup.freeze is what was asked, cgroup.events `frozen` what the kernel has done. */
export function v2FreezerState(freeze: string | undefined, events: string | undefined): FreezerState {
  if ((freeze ?? '').trim() !== '1') return 'THAWED';
  return parseKeyValues(events).frozen === 1 ? 'FROZEN' : 'FREEZING';
}

/** Stats from a v2 directory; files of controllers not enabled there read as zero. */
export function readV2Stats(files: CgroupFiles, dir: string): CgroupStats {
  const read = (file: string) => readOptional(files, dir, file);
  const cpuStat = parseKeyValues(read('cpu.stat'));
  return {
    memory: {
      usage: parseNumber(read('memory.current')),
      maxUsage: parseNumber(read('memory.peak')),
      limit: parseLimit(read('memory.max')),
      stat: parseKeyValues(read('memory.stat')),
    },
    cpu: {
      // cpu.stat counts in µs; v1 (and this type) in ns.
      usageTotal: (cpuStat.usage_usec ?? 0) * 1000,
      usagePerCpu: [],
      throttling: {
        periods: cpuStat.nr_periods ?? 0,
        throttledPeriods: cpuStat.nr_throttled ?? 0,
        throttledTime: (cpuStat.throttled_usec ?? 0) * 1000,
      },
    },
    pids: { current: parseNumber(read('pids.current')), limit: parseLimit(read('pids.max')) },
    blkio: { ioServiceBytesRecursive: parseV2IoStat(read('io.stat')) },
    freezer: v2FreezerState(read('cgroup.freeze'), read('cgroup.events')),
  };
}
