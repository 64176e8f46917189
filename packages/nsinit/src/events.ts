// The events of the container a directory records, from any process: an `oom` event
// whenever the kernel's OOM killer runs in its memory cgroup, and, if asked, its
// stats at an interval, until its PID 1 exits.
import { type CgroupStats, type OomWatch, watchOom } from '@lc/cgroups';
import { LcError, loadContainerConfig } from '@lc/config-types';
import { errnoNumber, linuxSystem, SysError, type System } from '@lc/system';
import { containerCgroups } from './container-cgroups.js';
import { processStartTime, runningContainer } from './container-state.js';

export type ContainerEvent =
  | { readonly type: 'oom'; readonly id: string; readonly time: string }
  | { readonly type: 'stats'; readonly id: string; readonly time: string; readonly data: CgroupStats };

export interface ContainerEventsOptions {
  /** Also yield a `stats` event every so many ms (none when absent or ≤ 0). */
  readonly statsIntervalMs?: number;
  /** Ends the stream (after the events already queued) when aborted, e.g. on SIGINT. */
  readonly signal?: AbortSignal;
  readonly sys?: System;
}

/**
 * `for await (const event of containerEvents(dir))`: the container's events, in order,
 * ending once its PID 1 has exited (after any OOM that killed it). Breaking out of the
 * loop releases everything it watched. Not running, or without cgroups: an LcError
 * (NOT_RUNNING, NO_CGROUPS), as from containerStats.
 */
export async function* containerEvents(dir: string, options: ContainerEventsOptions = {}): AsyncGenerator<ContainerEvent, void, undefined> {
  const sys = options.sys ?? linuxSystem();
  const { model } = await loadContainerConfig(dir);
  const running = runningContainer(dir);
  if (!running) throw new LcError('NOT_RUNNING', `${dir}: no container is running there`);
  const cgroups = containerCgroups(model, sys);
  // The default cgroup (no "cgroups" in the config) only confines devices: no stats, no freezer.
  if (!cgroups || model.cgroup?.devicesOnly) {
    throw new LcError('NO_CGROUPS', `${dir}: the container has no cgroups (container.json has no "cgroups")`);
  }

  const queue = eventQueue<ContainerEvent>();
  const now = () => new Date().toISOString();
  let oom: OomWatch | undefined;
  let pidfd: number | undefined;
  let exitWatch: { close(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      oom = watchOom(cgroups, () => queue.push({ type: 'oom', id: dir, time: now() }), sys);
    } catch (error) {
      // Exited (and its cgroups removed) meanwhile: no events, an empty stream.
      if (!runningContainer(dir)) return;
      throw error;
    }
    // Not our child: the pidfd only says when it exited (readable); it is never reaped
    // here. Opened last, so that an open pidfd means the OOM watch is in place.
    try {
      pidfd = sys.pidfdOpen(running.pid);
    } catch (error) {
      if (SysError.isInstance(error) && error.errno === errnoNumber('ESRCH')) return; // exited meanwhile
      throw error;
    }
    // The pid may have been recycled between the record's check and pidfd_open.
    if (processStartTime(running.pid) !== running.start) return;
    exitWatch = sys.watchReadable(pidfd, () => {
      // The OOM that killed it was noted by the kernel before the kill: take it now,
      // whatever order the event loop delivers the two in.
      oom?.drain();
      queue.end();
    });
    const interval = options.statsIntervalMs ?? 0;
    if (interval > 0) {
      timer = setInterval(() => {
        try {
          queue.push({ type: 'stats', id: dir, time: now(), data: cgroups.stats() });
        } catch {
          // The cgroup went away with the container: the exit ends the stream.
        }
      }, interval);
    }
    const abort = () => queue.end();
    if (options.signal?.aborted) return;
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      yield* queue.drain();
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  } finally {
    if (timer !== undefined) clearInterval(timer);
    exitWatch?.close();
    if (pidfd !== undefined) sys.close(pidfd);
    oom?.close();
  }
}

export interface EventQueue<T> {
  push(value: T): void;
  /** No more values: drain() ends after the ones queued. */
  end(): void;
  drain(): AsyncGenerator<T, void, undefined>;
}

/** Values pushed from callbacks, pulled by one async consumer. */
export function eventQueue<T>(): EventQueue<T> {
  const values: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(value) {
      if (ended) return;
      values.push(value);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    async *drain() {
      for (;;) {
        const value = values.shift();
        if (value !== undefined) {
          yield value;
        } else if (ended) {
          return;
        } else {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
    },
  };
}
