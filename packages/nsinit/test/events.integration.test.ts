// OOM events and live stats of a running container on the real kernel: the library's
// containerEvents, and the CLI's `nsinit events` and `nsinit stats --watch` run against
// a container started through the library. Nothing may be left: no cgroup, no
// process, no open eventfd or watcher (the test process would hang on one).
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type ContainerEvent, containerEvents, type RunningContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  removeAllContainerDirs,
  removeContainerDir,
  startCli,
  waitForOutput,
  waitUntil,
} from './harness.js';

const PARENT = `lc-test-${process.pid}`;
const MIB = 1024 * 1024;
// Waits for a line, then doubles a shell string until it is far past the limit.
const ALLOCATE_AFTER_A_LINE = 'echo ready; read line; x=0123456789abcdef; while :; do x="$x$x"; done';

/**
 * The eventfds, pidfds and cgroup files `pid` has open (libuv keeps eventfds of its
 * own: these are compared before and after, not expected absent).
 */
function watchFds(pid: number | 'self' = 'self'): string[] {
  const out: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      out.push(readlinkSync(join(`/proc/${pid}/fd`, fd)));
    } catch {
      // Closed since the readdir (the readdir's own fd among them).
    }
  }
  return out.filter((target) => /eventfd|pidfd|^\/sys\/fs\/cgroup\//.test(target)).sort();
}

/** containerEvents opens the container's pidfd last, once its OOM watch is registered. */
const watching = (pid: number | 'self') => () => watchFds(pid).some((target) => target.includes('pidfd'));

describe.skipIf(!isRoot)(`container events (${needsRoot})`, () => {
  let before: HostSnapshot;
  let fdsBefore: string[];
  let dir: string;

  beforeEach(async () => {
    before = hostSnapshot();
    fdsBefore = watchFds();
    const name = `c${Math.random().toString(36).slice(2, 8)}`;
    dir = await makeContainerDir({ cgroups: { name, parent: PARENT, memory: 16 * MIB, memory_swap: 16 * MIB } });
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    expect(watchFds(), 'eventfds, pidfds and cgroup files left open').toEqual(fdsBefore);
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  async function startWaiting(): Promise<RunningContainer> {
    const container = await startContainer({ dir, args: ['sh', '-c', ALLOCATE_AFTER_A_LINE], stdio: ['pipe', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    return container;
  }

  it('yields an oom event for a container the OOM killer ends, then ends after its exit', async () => {
    const container = await startWaiting();
    const events: ContainerEvent[] = [];
    const iterator = containerEvents(dir)[Symbol.asyncIterator]();
    // The first next() sets the watch up; its promise settles with the first event.
    const first = iterator.next();
    await waitUntil(watching('self'), 5000, 'containerEvents to watch');
    container.stdin!.end('go\n');
    for (let next = await first; !next.done; next = await iterator.next()) events.push(next.value);
    expect(await container.exited).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    // One OOM, reported once (the removal of a v1 cgroup signals the eventfd too: no event).
    expect(events.map((event) => event.type)).toEqual(['oom']);
    expect(events[0]).toMatchObject({ type: 'oom', id: dir });
    expect(new Date(events[0]!.time).toISOString()).toBe(events[0]!.time);
  });

  it('yields nothing for a container that exits without an OOM, and ends', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    const events: ContainerEvent[] = [];
    const consumed = (async () => {
      for await (const event of containerEvents(dir, { statsIntervalMs: 50 })) events.push(event);
    })();
    await waitUntil(watching('self'), 5000, 'containerEvents to watch');
    // Two stats events: the stream delivers them while the container runs.
    await waitUntil(() => events.length >= 2, 5000, 'two stats events');
    container.stdin!.end('\n');
    await consumed;
    expect((await container.exited).exitCode).toBe(0);
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['stats']));
    expect(events[0]).toMatchObject({ type: 'stats', data: { pids: { current: expect.any(Number) } } });
  });

  it('ends at once when the loop breaks, releasing its watches', async () => {
    const container = await startWaiting();
    for await (const event of containerEvents(dir, { statsIntervalMs: 10 })) {
      expect(event.type).toBe('stats');
      break;
    }
    container.kill('SIGKILL');
    expect((await container.exited).exitCode).toBe(137);
  });

  it('nsinit events prints an oom JSON line and exits 0 when the container exits', async () => {
    const container = await startWaiting();
    const cli = startCli(dir, ['events']);
    // `nsinit events` prints nothing until an event: its pidfd says it is watching.
    await waitUntil(watching(cli.child.pid!), 10_000, 'nsinit events to watch');
    container.stdin!.end('go\n');
    const [result] = await Promise.all([cli.result, container.exited]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as ContainerEvent);
    expect(lines[0]).toMatchObject({ type: 'oom', id: dir });
  });

  it('nsinit stats --watch prints a line per refresh with a PIDS column and exits with the container', async () => {
    const container = await startWaiting();
    const cli = startCli(dir, ['stats', '--watch']);
    // Two refreshes: the header and two rows (a second apart).
    await waitUntil(() => cli.output.stdout.trim().split('\n').length >= 3, 10_000, 'two refreshes');
    container.stdin!.end('go\n');
    const [result] = await Promise.all([cli.result, container.exited]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+PIDS/);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/%\s+\S+ \/ 16MiB\s+[\d.]+%\s+\d+$/);
  });
});
