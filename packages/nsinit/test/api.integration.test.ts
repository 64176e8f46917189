// The library API on the real kernel: create() and spawn() with each stdio mode, exec
// through a handle, stats as an async iterable, pause and resume, AbortSignal and
// timeout (killed, then a typed rejection), `await using`, and typed start errors.
// Every test ends with the host as it found it.
import { getEventListeners } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { LcError } from '@lc/config-types';
import { type CgroupStats, type Container, create, InitError, spawn } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  isAlive,
  makeContainerDir,
  readAll,
  removeAllContainerDirs,
  removeContainerDir,
  trackLcTimers,
  updateConfig,
  waitForOutput,
  withContainerDirs,
} from './harness.js';

/** A Writable that is no fd: create() pipes output into it. */
function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}


describe.skipIf(!isRoot)(`library API: create, spawn, exec, stats (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  describe('stdio', () => {
    it("'pipe' by default: the handle's streams", async () => {
      const container = await create(dir, ['sh', '-c', 'read line; echo "out $line"; echo err >&2']);
      expect(container).toMatchObject({ id: basename(dir), dir, pid: expect.any(Number), terminal: null });
      container.stdin!.end('x\n');
      const [stdout, stderr, status] = await Promise.all([readAll(container.stdout), readAll(container.stderr), container.wait()]);
      expect({ stdout, stderr, status }).toEqual({ stdout: 'out x\n', stderr: 'err\n', status: { exitCode: 0, signal: null } });
    });

    it("an fd, 'ignore', and a stream with an fd (passed as that fd)", async () => {
      const file = join(dir, 'out.txt');
      const fd = openSync(file, 'w');
      try {
        // process.stderr is fd 2: the container's fd 2 is the same (inherit).
        const container = await create(dir, ['sh', '-c', 'echo to-the-fd; cat'], { stdio: ['ignore', fd, process.stderr] });
        expect([container.stdin, container.stdout, container.stderr]).toEqual([null, null, null]);
        expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(file, 'utf8')).toBe('to-the-fd\n');
    });

    it('streams without an fd: piped in, and out into one shared stream that is not ended', async () => {
      const output = collector();
      const container = await create(dir, ['sh', '-c', 'read line; echo "out $line"; echo err >&2; seq 20000 | tail -n 1'], {
        stdio: [Readable.from(['from a stream\n']), output.stream, output.stream],
      });
      expect([container.stdin, container.stdout, container.stderr]).toEqual([null, null, null]);
      // wait() resolves once all the output was written to the stream.
      expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
      expect(output.text().split('\n').sort()).toEqual(['', '20000', 'err', 'out from a stream']);
      expect(output.stream.writableEnded).toBe(false);
      expect(output.stream.listenerCount('unpipe')).toBe(0);
    });

    it('an output stream that fails: the rest is dropped, and the container never blocks on it', async () => {
      const failing = new Writable({
        write(_chunk, _encoding, done) {
          done(new Error('disk full'));
        },
      });
      const errors: Error[] = [];
      failing.on('error', (error) => errors.push(error));
      const container = await create(dir, ['seq', '200000'], { stdio: ['ignore', failing, 'ignore'] });
      expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
      expect(errors.map((error) => error.message)).toEqual(['disk full']);
    });

    it('spawn: streams usable at once, before the container runs', async () => {
      const subprocess = spawn(dir, ['sh', '-c', 'read line; echo "got $line"']);
      subprocess.stdin!.end('early\n');
      const stdout = readAll(subprocess.stdout);
      expect(await subprocess).toEqual({ exitCode: 0, signal: null });
      expect(await stdout).toBe('got early\n');
      expect(await readAll(subprocess.stderr)).toBe('');
      await expect(subprocess.container).resolves.toMatchObject({ id: basename(dir) });
    });

    it('refuses a stream of the wrong direction', async () => {
      await expect(create(dir, ['true'], { stdio: ['ignore', Readable.from([]) as unknown as Writable, 'ignore'] })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'stdio[1]: expected a writable stream',
      });
    });
  });

  describe('stopping', () => {
    it('an AbortSignal kills the container; wait() rejects ABORTED with the reason as cause', async () => {
      const controller = new AbortController();
      const container = await create(dir, ['sleep', '1000'], { stdio: 'ignore', signal: controller.signal });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort(new Error('enough'));
      await expect(container.wait()).rejects.toMatchObject({ code: 'ABORTED', cause: new Error('enough') });
      expect(isAlive(container.pid)).toBe(false);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('aborted while starting: killed as soon as it runs, and create() rejects once it is gone', async () => {
      const controller = new AbortController();
      const starting = create(dir, ['sleep', '1000'], { stdio: 'ignore', signal: controller.signal });
      controller.abort();
      await expect(starting).rejects.toMatchObject({ code: 'ABORTED', message: `${dir}: the container was stopped: aborted` });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('timeout: killed (SIGKILL) after so many ms, wait() rejects TIMEOUT', async () => {
      const started = Date.now();
      // Long enough for a Node init to start on a loaded machine: create() resolves first.
      const container = await create(dir, ['sleep', '1000'], { stdio: 'ignore', timeout: 1000 });
      const error: unknown = await container.wait().catch((caught: unknown) => caught);
      // Node starts a timer from the event loop's cached clock, which lags behind
      // Date.now() by however long the loop's current turn has run (plan building).
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(LcError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'TIMEOUT', message: `${dir}: the container was stopped after 1000 ms`, cause: { name: 'TimeoutError' } });
      expect(isAlive(container.pid)).toBe(false);
    });

    it('a timeout that does not expire is cleared at the exit', async () => {
      const timers = trackLcTimers();
      const container = await create(dir, ['true'], { stdio: 'ignore', timeout: 60_000 });
      expect(timers.active()).toBe(1);
      expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
      expect(timers.active()).toBe(0);
      timers.stop();
    });

    it('kill(signal) sends it; spawn queues a kill made before the container runs', async () => {
      const container = await create(dir, ['sleep', '1000'], { stdio: 'ignore' });
      expect(container.kill('SIGTERM')).toBe(true);
      // PID 1 of a pid namespace ignores signals it has no handler for, unless SIGKILL.
      expect(container.kill(9)).toBe(true);
      expect(await container.wait()).toEqual({ exitCode: 137, signal: 'SIGKILL' });
      expect(container.kill('SIGKILL')).toBe(false);

      const subprocess = spawn(dir, ['sleep', '1000'], { stdio: 'ignore' });
      expect(subprocess.kill('SIGKILL')).toBe(true);
      expect(await subprocess).toEqual({ exitCode: 137, signal: 'SIGKILL' });
      expect(subprocess.kill()).toBe(false);
    });
  });

  describe('await using', () => {
    it('kills a running container at the end of the scope and waits until it is gone', async () => {
      let pid = 0;
      {
        await using container = await create(dir, ['sh', '-c', 'echo up; exec sleep 1000'], { stdio: ['ignore', 'pipe', 'ignore'] });
        await waitForOutput(container.stdout!, 'up');
        pid = container.pid;
      }
      expect(isAlive(pid)).toBe(false);
      // expectNoLeaks (afterEach): no process, mount, cgroup or pid record left.
    });

    it('a spawn handle too', async () => {
      let pid = 0;
      {
        await using subprocess = spawn(dir, ['sleep', '1000'], { stdio: 'ignore' });
        pid = (await subprocess.container).pid;
      }
      expect(isAlive(pid)).toBe(false);
    });
  });

  describe('typed errors', () => {
    it('a failed step: InitError (an LcError) with the step, its label and errno', async () => {
      await updateConfig(dir, { working_dir: '/nope' });
      const error: unknown = await create(dir, ['true'], { stdio: 'ignore' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InitError);
      expect(LcError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'INIT', message: 'chdir /nope: ENOENT', step: expect.any(Number), label: 'chdir /nope', errno: 2 });
      // The same error from spawn, whose output streams end.
      const subprocess = spawn(dir, ['true']);
      await expect(subprocess).rejects.toBeInstanceOf(InitError);
      expect(await readAll(subprocess.stdout)).toBe('');
    });

    it('a bad config: CONFIG, naming the field', async () => {
      await updateConfig(dir, { hostname: 7 });
      await expect(create(dir, ['true'])).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('hostname') });
    });

    it('a bad argument: INVALID_ARGUMENT', async () => {
      await expect(create(dir, ['true'], { timeout: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(create(dir, ['true'], { stdio: ['ignore', -3, 'ignore'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });

  // Joining needs the native executor's clone3 (x86-64), whichever executor started the container.
  describe.skipIf(process.arch !== 'x64')('exec', () => {
    let container: Container;
    beforeEach(async () => {
      container = await create(dir, ['sh', '-c', 'echo ready; read line'], { stdio: ['pipe', 'pipe', 'inherit'] });
      await waitForOutput(container.stdout!, 'ready');
    });
    afterEach(async () => {
      await container[Symbol.asyncDispose]();
    });

    it('starts a process inside the container, not as its PID 1: the same kind of handle', async () => {
      const inside = await container.exec(['sh', '-c', 'echo $$; cat /proc/1/comm; hostname']);
      const [stdout, status] = await Promise.all([readAll(inside.stdout), inside.wait()]);
      expect(status).toEqual({ exitCode: 0, signal: null });
      const [pid, pid1, hostname] = stdout.trim().split('\n');
      expect(Number(pid)).toBeGreaterThan(1);
      expect([pid1, hostname]).toEqual(['sh', 'lc']);
      expect(inside.pid).not.toBe(container.pid);
      expect(inside.terminal).toBe(null);
    });

    it('with a timeout of its own: the process is killed, the container runs on', async () => {
      const inside = await container.exec(['sleep', '1000'], { stdio: 'ignore', timeout: 100 });
      await expect(inside.wait()).rejects.toMatchObject({ code: 'TIMEOUT', message: `${dir}: the joined process was stopped after 100 ms` });
      expect(isAlive(container.pid)).toBe(true);
      container.stdin!.end('\n');
      expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
      await expect(container.exec(['true'])).rejects.toMatchObject({ code: 'NOT_RUNNING' });
    });
  });
});

describe.skipIf(!isRoot)(`library API: stats, pause and resume (cgroups) (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir({ cgroups: { name: `c${Math.random().toString(36).slice(2, 8)}`, parent: `lc-test-${process.pid}` } });
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  it('stats(): a reading at once, then one per interval, ending when the container exits; nothing left', async () => {
    const timers = trackLcTimers();
    const container = await create(dir, ['sh', '-c', 'read line'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const readings: CgroupStats[] = [];
    for await (const reading of container.stats({ interval: 20 })) {
      readings.push(reading);
      // Two readings, then the container exits: the loop ends by itself.
      if (readings.length === 2) container.stdin!.end('\n');
    }
    expect(readings.length).toBeGreaterThanOrEqual(2);
    expect(readings[0]).toMatchObject({ pids: { current: expect.any(Number) }, freezer: 'THAWED' });
    expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
    expect(timers.active()).toBe(0);
    timers.stop();
    // After the exit: no reading at all.
    const after: CgroupStats[] = [];
    for await (const reading of container.stats()) after.push(reading);
    expect(after).toEqual([]);
  });

  it('stats(): ends when its signal aborts, and leaves no listener on it', async () => {
    await using container = await create(dir, ['sleep', '1000'], { stdio: 'ignore' });
    const controller = new AbortController();
    let count = 0;
    for await (const _ of container.stats({ interval: 10, signal: controller.signal })) {
      count += 1;
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0); // none while it yields
      if (count === 3) controller.abort();
    }
    expect(count).toBe(3);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('pause() freezes the container, resume() thaws it', async () => {
    // It waits for a second line before it exits: the stats after resume() must find it running.
    const container = await create(dir, ['sh', '-c', 'read line; echo "after $line"; read done'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await container.pause();
    const frozen = await container.stats().next();
    expect(frozen.value).toMatchObject({ freezer: 'FROZEN' });
    container.stdin!.write('thaw\n');
    await container.resume();
    await waitForOutput(container.stdout!, 'after thaw\n');
    const thawed = await container.stats().next();
    expect(thawed.value).toMatchObject({ freezer: 'THAWED' });
    container.stdin!.end('\n');
    expect(await container.wait()).toEqual({ exitCode: 0, signal: null });
    await expect(container.pause()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
