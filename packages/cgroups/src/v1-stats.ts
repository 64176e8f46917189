import type { CgroupFiles } from './cgroup-files.js';
import {
  type CgroupStats,
  parseFreezerState,
  parseKeyValues,
  parseLimit,
  parseNumber,
  parseNumberList,
  parseV1Blkio,
  readOptional,
} from './stats.js';

/** Stats from the v1 directories (controller → dir); a missing controller or file reads as zero. */
export function readV1Stats(files: CgroupFiles, paths: Readonly<Record<string, string>>): CgroupStats {
  const read = (controller: string, file: string) => readOptional(files, paths[controller], file);
  const cpuStat = parseKeyValues(read('cpu', 'cpu.stat'));
  // blkio.io_service_bytes_recursive belongs to CFQ; kernels without it (5.0+) count in
  // the BFQ or throttle files instead.
  const blkio =
    [
      'blkio.io_service_bytes_recursive',
      'blkio.bfq.io_service_bytes_recursive',
      'blkio.throttle.io_service_bytes_recursive',
    ]
      .map((file) => parseV1Blkio(read('blkio', file)))
      .find((entries) => entries.length > 0) ?? [];
  return {
    memory: {
      usage: parseNumber(read('memory', 'memory.usage_in_bytes')),
      maxUsage: parseNumber(read('memory', 'memory.max_usage_in_bytes')),
      limit: parseLimit(read('memory', 'memory.limit_in_bytes')),
      stat: parseKeyValues(read('memory', 'memory.stat')),
    },
    cpu: {
      usageTotal: parseNumber(read('cpuacct', 'cpuacct.usage')),
      usagePerCpu: parseNumberList(read('cpuacct', 'cpuacct.usage_percpu')),
      throttling: {
        periods: cpuStat.nr_periods ?? 0,
        throttledPeriods: cpuStat.nr_throttled ?? 0,
        throttledTime: cpuStat.throttled_time ?? 0,
      },
    },
    pids: { current: parseNumber(read('pids', 'pids.current')), limit: parseLimit(read('pids', 'pids.max')) },
    blkio: { ioServiceBytesRecursive: blkio },
    freezer: parseFreezerState(read('freezer', 'freezer.state')),
  };
}
