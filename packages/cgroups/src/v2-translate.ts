// The v1-shaped config in v2 files. The formulas are runc's, so a container gets the same
// limits under either runtime.
import type { Cgroup, ThrottleKind, ThrottleRule } from '@lc/config-types';
import { CgroupError } from './cgroup-error.js';
import { pidsMax } from './validate.js';

export interface V2Write {
  /** The container.json field, for error messages. */
  readonly field: string;
  readonly file: string;
  readonly value: string;
}

/** cpu.shares (2..262144, default 1024) onto cpu.weight (1..10000, default 100). */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 100;
  return Math.trunc(1 + ((shares - 2) * 9999) / 262142);
}

/** blkio.weight (10..1000) onto io.weight (1..10000). */
export function blkioToIoWeight(weight: number): number {
  return Math.trunc(1 + ((weight - 10) * 9999) / 990);
}

const limit = (value: number) => (value === -1 ? 'max' : String(value));

/**
 * The v2 writes for a config, in order, and only for configured fields. memory_swappiness
 * has no v2 file and is not written.
 */
export function v2Writes(cgroup: Cgroup): V2Write[] {
  const out: V2Write[] = [];
  const add = (field: string, file: string, value: string | number) => out.push({ field, file, value: String(value) });
  if (cgroup.cpusetMems !== undefined) add('cpuset_mems', 'cpuset.mems', cgroup.cpusetMems);
  if (cgroup.cpusetCpus !== undefined) add('cpuset_cpus', 'cpuset.cpus', cgroup.cpusetCpus);
  const { memory, memorySwap } = cgroup;
  if (memory !== undefined) add('memory', 'memory.max', limit(memory));
  if (memorySwap !== undefined) {
    // v1's memsw counts memory plus swap; v2's memory.swap.max counts swap alone.
    if (memorySwap === -1) add('memory_swap', 'memory.swap.max', 'max');
    else if (memory === undefined || memory === -1) {
      throw new CgroupError('CGROUP', 'cgroups.memory_swap: needs a memory limit on cgroup v2 (memory.swap.max is swap beyond memory)');
    } else add('memory_swap', 'memory.swap.max', memorySwap - memory);
  }
  if (cgroup.memoryReservation !== undefined) add('memory_reservation', 'memory.low', limit(cgroup.memoryReservation));
  if (cgroup.oomKillDisable) {
    // Quietly running without it would let the OOM killer take what was to be spared.
    throw new CgroupError('CGROUP', 'cgroups.oom_kill_disable: cgroup v2 cannot turn the OOM killer off');
  }
  if (cgroup.cpuShares !== undefined) add('cpu_shares', 'cpu.weight', sharesToWeight(cgroup.cpuShares));
  const { cpuQuota, cpuPeriod } = cgroup;
  if (cpuQuota !== undefined || cpuPeriod !== undefined) {
    const quota = cpuQuota === undefined || cpuQuota <= 0 ? 'max' : String(cpuQuota);
    add(cpuQuota !== undefined ? 'cpu_quota' : 'cpu_period', 'cpu.max', cpuPeriod === undefined ? quota : `${quota} ${cpuPeriod}`);
  }
  if (cgroup.pidsLimit !== undefined) add('pids_limit', 'pids.max', pidsMax(cgroup.pidsLimit));
  if (cgroup.blkioWeight !== undefined) add('blkio_weight', 'io.weight', blkioToIoWeight(cgroup.blkioWeight));
  for (const [device, { field, limits }] of ioMax(cgroup.blkioThrottle ?? [])) add(field, 'io.max', `${device} ${limits.join(' ')}`);
  if (cgroup.freezer !== undefined) add('freezer', 'cgroup.freeze', cgroup.freezer === 'FROZEN' ? '1' : '0');
  return out;
}

/** v1's throttle kinds as io.max keys. */
const IO_MAX_KEYS: Record<ThrottleKind, string> = {
  read_bps_device: 'rbps',
  write_bps_device: 'wbps',
  read_iops_device: 'riops',
  write_iops_device: 'wiops',
};

/** The throttle rules as one io.max line per device ("8:0 rbps=1048576 wiops=100"). */
function ioMax(rules: readonly ThrottleRule[]): Map<string, { field: string; limits: string[] }> {
  const devices = new Map<string, { field: string; limits: string[] }>();
  for (const { kind, major, minor, rate } of rules) {
    const device = `${major}:${minor}`;
    const entry = devices.get(device) ?? { field: `blkio_throttle_${kind}`, limits: [] };
    entry.limits.push(`${IO_MAX_KEYS[kind]}=${rate}`);
    devices.set(device, entry);
  }
  return devices;
}

/** The controllers (cgroup.subtree_control names) the writes need; cgroup.* files need none. */
export function v2Controllers(writes: readonly V2Write[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { field, file } of writes) {
    const controller = file.slice(0, file.indexOf('.'));
    if (controller !== 'cgroup' && !out.has(controller)) out.set(controller, field);
  }
  return out;
}
