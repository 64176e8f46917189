import type { Cgroup } from '@lc/config-types';
import { CgroupError, errnoCode } from './cgroup-error.js';
import type { CgroupFiles } from './cgroup-files.js';
import { readField, writeField } from './write-field.js';

/** cpu_shares, cpu_period, cpu_quota into a v1 cpu cgroup. */
export function applyV1Cpu(files: CgroupFiles, dir: string, cgroup: Cgroup): void {
  const { cpuShares, cpuPeriod, cpuQuota } = cgroup;
  if (cpuShares !== undefined) {
    writeField(files, 'cpu_shares', dir, 'cpu.shares', cpuShares);
    // The kernel clamps shares into 2..262144 without an error: say so rather than run
    // with a weight nobody asked for.
    const applied = readField(files, 'cpu_shares', dir, 'cpu.shares');
    if (applied !== String(cpuShares)) {
      throw new CgroupError(
        'EINVAL',
        `cgroups.cpu_shares: write cpu.shares = "${cpuShares}": the kernel set ${applied} (range 2–262144)`,
      );
    }
  }
  let periodPending = false;
  if (cpuPeriod !== undefined) {
    try {
      writeField(files, 'cpu_period', dir, 'cpu.cfs_period_us', cpuPeriod);
    } catch (error) {
      // Kernel rule: quota/period may not exceed the parent's ratio. A smaller period
      // under the current quota can break it (EINVAL); setting the quota first fixes it.
      if (cpuQuota === undefined || errnoCode((error as CgroupError).cause) !== 'EINVAL') throw error;
      periodPending = true;
    }
  }
  if (cpuQuota !== undefined) writeField(files, 'cpu_quota', dir, 'cpu.cfs_quota_us', cpuQuota);
  if (periodPending && cpuPeriod !== undefined) writeField(files, 'cpu_period', dir, 'cpu.cfs_period_us', cpuPeriod);
}
