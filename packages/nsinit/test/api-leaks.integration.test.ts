// Many containers from one process: 200 in a row through create(), spawn() and run(),
// with pipes, a shared AbortSignal and a timeout each, must leave this process as they
// found it — the same open fds, active handles and timers, and listeners on process
// and on the signal — and none of their handles or streams may stay reachable.
import { getEventListeners } from 'node:events';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { create, run, spawn } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, hostSnapshot, makeContainerDir, readAll, removeAllContainerDirs, removeContainerDir } from './harness.js';

const PROCESS_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGCHLD', 'SIGHUP', 'uncaughtException', 'unhandledRejection'] as const;

// A full collection on demand, without starting the test runner with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** How many of `refs` still name a live object after full collections. */
async function stillAlive(refs: readonly WeakRef<object>[]): Promise<number> {
  // WeakRefs are cleared between jobs: collect, let the turn end, collect again.
  for (let i = 0; i < 3; i += 1) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

function countKinds(kinds: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

interface Sample {
  readonly fds: number;
  readonly resources: number;
  readonly byKind: Record<string, number>;
}

function noGrowth(start: Sample, end: Sample): boolean {
  return end.fds <= start.fds && Object.entries(end.byKind).every(([kind, count]) => count <= (start.byKind[kind] ?? 0));
}

describe.skipIf(!isRoot)(`many containers from one process (${needsRoot})`, () => {
  afterAll(removeAllContainerDirs);

  it('200 containers in a loop leave no fd, handle, timer, listener or memory behind', { timeout: 120_000 }, async () => {
    const before = hostSnapshot();
    const dir = await makeContainerDir();
    const controller = new AbortController();
    const options = { signal: controller.signal, timeout: 60_000 };
    // Each way in, with 'pipe' stdio (the default): output read, stdin left open.
    const handles: WeakRef<object>[] = [];
    const once = async (i: number) => {
      if (i % 3 === 0) {
        await using container = await create(dir, ['true'], options);
        handles.push(new WeakRef(container), new WeakRef(container.stdout!));
        const [stdout, status] = await Promise.all([readAll(container.stdout), container.wait()]);
        expect([stdout, status.exitCode]).toEqual(['', 0]);
      } else if (i % 3 === 1) {
        const subprocess = spawn(dir, ['true'], options);
        handles.push(new WeakRef(subprocess), new WeakRef(await subprocess.container));
        expect((await subprocess).exitCode).toBe(0);
      } else {
        expect(await run(dir, ['echo', `${i}`], options)).toMatchObject({ exitCode: 0, stdout: `${i}\n` });
      }
    };
    const sample = () => ({
      fds: readdirSync('/proc/self/fd').length,
      resources: process.getActiveResourcesInfo().length,
      byKind: countKinds(process.getActiveResourcesInfo()),
      listeners: Object.fromEntries(PROCESS_EVENTS.map((event) => [event, process.listenerCount(event)])),
      abortListeners: getEventListeners(controller.signal, 'abort').length,
    });

    // Sampled from the check phase: a sample taken in a timer's callback counts that timer.
    const sampleLater = async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await new Promise((resolve) => setImmediate(resolve));
      return sample();
    };
    // Once the event loop is quiet: closing a socket completes on a later turn.
    const settled = async () => {
      for (let previous = await sampleLater(0); ; ) {
        const current = await sampleLater(20);
        if (JSON.stringify(current) === JSON.stringify(previous)) return current;
        previous = current;
      }
    };

    // Warm-up: lazily loaded libc, koffi and cgroup layout, kept for the process's life.
    for (let i = 0; i < 3; i += 1) await once(i);
    const start = await settled();
    for (let i = 0; i < 200; i += 1) await once(i);
    // A leak never goes back to the counts of before the loop; a socket still closing does.
    let end = await settled();
    for (const deadline = Date.now() + 5000; !noGrowth(start, end) && Date.now() < deadline; ) {
      end = await sampleLater(20);
    }
    // The runner's own test timer may be gone by now: no growth, by kind, is the test.
    expect({ ...end, resources: 0, byKind: {} }).toEqual({ ...start, resources: 0, byKind: {} });
    expect(end.resources).toBeLessThanOrEqual(start.resources);
    for (const [kind, count] of Object.entries(end.byKind)) expect(count, kind).toBeLessThanOrEqual(start.byKind[kind] ?? 0);

    // Memory: nothing keeps a handle, or the streams it had, once its container is gone.
    expect(await stillAlive(handles)).toBe(0);

    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
});
