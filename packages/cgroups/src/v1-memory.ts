import type { Cgroup } from '@lc/config-types';
import type { CgroupFiles } from './cgroup-files.js';
import { readField, writeField } from './write-field.js';

/**
 * memory, memory_swap, memory_reservation, memory_swappiness, oom_kill_disable into a v1
 * memory cgroup.
 *
 * Kernel rule: memory.memsw.limit_in_bytes (memory + swap) ≥ memory.limit_in_bytes at
 * every moment; a write that would break it fails with EINVAL. So when both change, the
 * order depends on the current memsw: raising it (new memsw above the current one, or
 * unlimited) goes first, and the limit then fits under it; otherwise the limit goes first
 * (lowering it, so the smaller memsw fits above it). memory_swap is written as configured
 * (2014 wrote memory × 2 whatever was asked); -1 is unlimited.
 */
export function applyV1Memory(files: CgroupFiles, dir: string, cgroup: Cgroup): void {
  const { memory, memorySwap } = cgroup;
  const writeLimit = () => writeField(files, 'memory', dir, 'memory.limit_in_bytes', memory ?? -1);
  const writeSwap = () => writeField(files, 'memory_swap', dir, 'memory.memsw.limit_in_bytes', memorySwap ?? -1);
  if (memory !== undefined && memorySwap !== undefined) {
    const current = BigInt(readField(files, 'memory_swap', dir, 'memory.memsw.limit_in_bytes') || '0');
    if (memorySwap === -1 || current < BigInt(memorySwap)) {
      writeSwap();
      writeLimit();
    } else {
      writeLimit();
      writeSwap();
    }
  } else if (memory !== undefined) {
    writeLimit();
  } else if (memorySwap !== undefined) {
    writeSwap();
  }
  if (cgroup.memoryReservation !== undefined) {
    writeField(files, 'memory_reservation', dir, 'memory.soft_limit_in_bytes', cgroup.memoryReservation);
  }
  if (cgroup.memorySwappiness !== undefined) {
    writeField(files, 'memory_swappiness', dir, 'memory.swappiness', cgroup.memorySwappiness);
  }
  if (cgroup.oomKillDisable) writeField(files, 'oom_kill_disable', dir, 'memory.oom_control', 1);
}
