import type { Cgroup } from '@lc/config-types';
import { CgroupError } from './cgroup-error.js';

/** Checks the kernels of both versions would refuse, said in the config's terms. */
export function validateCgroup(cgroup: Cgroup): void {
  const { memory, memorySwap } = cgroup;
  if (memorySwap !== undefined && memorySwap !== -1 && memory !== undefined && (memory === -1 || memorySwap < memory)) {
    throw new CgroupError(
      'CGROUP',
      `cgroups.memory_swap: ${memorySwap} is less than memory (${memory === -1 ? 'unlimited' : memory}): it counts memory plus swap`,
    );
  }
}

/** The configured fields (container.json names) that need each controller. */
export function configuredFields(cgroup: Cgroup): Record<string, string[]> {
  const fields: [string, unknown, string][] = [
    ['memory', cgroup.memory, 'memory'],
    ['memory_reservation', cgroup.memoryReservation, 'memory'],
    ['memory_swap', cgroup.memorySwap, 'memory'],
    ['memory_swappiness', cgroup.memorySwappiness, 'memory'],
    ['oom_kill_disable', cgroup.oomKillDisable, 'memory'],
    ['cpu_shares', cgroup.cpuShares, 'cpu'],
    ['cpu_quota', cgroup.cpuQuota, 'cpu'],
    ['cpu_period', cgroup.cpuPeriod, 'cpu'],
    ['cpuset_cpus', cgroup.cpusetCpus, 'cpuset'],
    ['cpuset_mems', cgroup.cpusetMems, 'cpuset'],
    ['pids_limit', cgroup.pidsLimit, 'pids'],
    ['blkio_weight', cgroup.blkioWeight, 'blkio'],
    ...(cgroup.blkioThrottle ?? []).map((rule): [string, unknown, string] => [`blkio_throttle_${rule.kind}`, rule, 'blkio']),
    ['freezer', cgroup.freezer, 'freezer'],
  ];
  const out: Record<string, string[]> = {};
  for (const [field, value, controller] of fields) {
    if (value === undefined) continue;
    const list = out[controller] ?? [];
    list.push(field);
    out[controller] = list;
  }
  return out;
}

/** pids_limit ≤ 0 is "no limit" (Docker's convention; pids.max 0 would forbid every fork). */
export function pidsMax(limit: number): string {
  return limit > 0 ? String(limit) : 'max';
}
