// cgroup v2 OOM events: the `oom` and `oom_kill` counters of memory.events. cgroupfs
// notifies a modification of memory.events (inotify, so fs.watch) whenever one of its
// counters changes.
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { wrapCgroupError } from './cgroup-error.js';
import type { OomWatch } from './oom-events.js';
import { parseKeyValues } from './stats.js';

export interface OomCounters {
  readonly oom: number;
  readonly oomKill: number;
}

export function parseMemoryEvents(text: string): OomCounters {
  const values = parseKeyValues(text);
  return { oom: values.oom ?? 0, oomKill: values.oom_kill ?? 0 };
}

/**
 * How many OOMs happened between two readings. One OOM raises `oom` and, when the
 * killer picks a victim, `oom_kill` too, and a reading may fall between the two: the
 * count is the larger of the two increases since `base`, less what was reported.
 */
export function oomsSince(base: OomCounters, now: OomCounters, reported: number): number {
  return Math.max(now.oom - base.oom, now.oomKill - base.oomKill, reported) - reported;
}

export function watchV2Oom(dir: string, onOom: () => void): OomWatch {
  const file = join(dir, 'memory.events');
  let base: OomCounters;
  let watcher: FSWatcher | undefined;
  let reported = 0;
  let closed = false;
  const close = () => {
    closed = true;
    watcher?.close();
  };
  const drain = () => {
    if (closed) return;
    let now: OomCounters;
    try {
      now = parseMemoryEvents(readFileSync(file, 'utf8'));
    } catch {
      // The cgroup was removed: nothing more will happen in it.
      close();
      return;
    }
    const count = oomsSince(base, now, reported);
    reported += count;
    for (let i = 0; i < count; i++) onOom();
  };
  try {
    base = parseMemoryEvents(readFileSync(file, 'utf8'));
    watcher = watch(file, { persistent: true }, drain);
    // A removed cgroup ends the watch (IN_IGNORED); there is nothing to report.
    watcher.on('error', close);
  } catch (error) {
    throw wrapCgroupError('memory', `watch ${file}`, error, dir);
  }
  return { close, drain };
}
