// A container's cgroup stats as an async iterable: one reading at once, then one
// every interval, until the container exits or the caller's signal aborts. Listeners
// and the timer exist only while it sleeps between readings, so an iteration the
// caller abandons (no break, no return) leaves nothing registered either.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupStats } from '@lc/cgroups';
import { LcError } from '@lc/config-types';
import type { System } from '@lc/system';
import { runningContainer } from './container-state.js';
import { containerStats } from './control.js';

export interface StatsOptions {
  /** Milliseconds between readings. Default: 1000. */
  readonly interval?: number;
  /** Ends the iteration (after the reading in hand) when aborted. */
  readonly signal?: AbortSignal;
}

/** `gone` aborts when the container has exited. */
export async function* statsStream(
  dir: string,
  sys: System,
  gone: AbortSignal,
  { interval = 1000, signal }: StatsOptions = {},
): AsyncGenerator<CgroupStats, void, undefined> {
  if (!(Number.isFinite(interval) && interval > 0)) throw new LcError('INVALID_ARGUMENT', `interval: expected ms above 0, got ${interval}`);
  while (!gone.aborted && !signal?.aborted) {
    let reading: CgroupStats;
    try {
      reading = await containerStats(dir, sys);
    } catch (error) {
      // Its cgroups go with its exit, which may be in progress: the end, not a failure.
      if (gone.aborted || !runningContainer(dir)) return;
      throw error;
    }
    yield reading;
    if (!(await pause(interval, gone, signal))) return;
  }
}

/** Sleeps `ms`; false when `gone` or `signal` aborted first (timer and listeners removed). */
async function pause(ms: number, gone: AbortSignal, signal: AbortSignal | undefined): Promise<boolean> {
  const wake = new AbortController();
  const onAbort = () => wake.abort();
  gone.addEventListener('abort', onAbort, { once: true });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Aborted between the reading and now: the listeners above never fire.
    if (gone.aborted || signal?.aborted) return false;
    await sleep(ms, undefined, { signal: wake.signal });
    return true;
  } catch (error) {
    if (wake.signal.aborted) return false;
    throw error;
  } finally {
    gone.removeEventListener('abort', onAbort);
    signal?.removeEventListener('abort', onAbort);
  }
}
