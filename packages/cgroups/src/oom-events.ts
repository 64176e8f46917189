// OOM events of a container's memory cgroup, as callbacks: v1 through an eventfd on
// memory.oom_control, v2 through the counters of memory.events.
import type { System } from '@lc/system';
import { CgroupError } from './cgroup-error.js';
import type { CgroupManager } from './manager.js';
import { watchV1Oom } from './oom-events-v1.js';
import { watchV2Oom } from './oom-events-v2.js';

export interface OomWatch {
  /** Stops watching and releases the eventfd, the files and the watcher; idempotent. */
  close(): void;
  /**
   * Reports now whatever the kernel has noted and the event loop has not delivered yet
   * (call it before close() when the container has exited, to miss no last OOM).
   */
  drain(): void;
}

/**
 * Calls `onOom` once per OOM of the container's memory cgroup (the kernel's OOM
 * killer ran in it, whether or not it killed) until close(). The cgroup must exist
 * (after create()); a cgroup without the memory controller is a CgroupError.
 */
export function watchOom(manager: CgroupManager, onOom: () => void, sys: System): OomWatch {
  if (manager.layout === 'v1') {
    const dir = manager.paths.memory;
    if (dir === undefined) throw new CgroupError('CGROUP', 'cgroups.memory: watch oom: no memory cgroup hierarchy is mounted');
    return watchV1Oom(dir, onOom, sys);
  }
  const dir = manager.paths.unified;
  if (dir === undefined) throw new CgroupError('CGROUP', 'cgroups.memory: watch oom: no unified cgroup');
  return watchV2Oom(dir, onOom);
}
