import type { Cgroup } from '@lc/config-types';
import type { CgroupFiles } from './cgroup-files.js';
import { readField, writeField } from './write-field.js';

/**
 * A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and a task cannot
 * join it (ENOSPC) until both are set: copy the parent's into each level that is empty.
 */
export function copyCpusetDown(files: CgroupFiles, dir: string, parent: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (readField(files, 'create', dir, file) !== '') continue;
    writeField(files, 'create', dir, file, readField(files, 'create', parent, file));
  }
}

/** cpuset_mems, cpuset_cpus (each must be a subset of the parent's, or EINVAL). */
export function applyV1Cpuset(files: CgroupFiles, dir: string, cgroup: Cgroup): void {
  if (cgroup.cpusetMems !== undefined) writeField(files, 'cpuset_mems', dir, 'cpuset.mems', cgroup.cpusetMems);
  if (cgroup.cpusetCpus !== undefined) writeField(files, 'cpuset_cpus', dir, 'cpuset.cpus', cgroup.cpusetCpus);
}
