// The one-call API: run() collects output and exit status; a timeout or an aborted
// signal kills the container and rejects; a handle disposes of its container.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  isAlive,
  makeContainerDir,
  removeAllContainerDirs,
  removeContainerDir,
  waitForOutput,
} from './harness.js';

describe.skipIf(!isRoot)(`run and disposal (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir();
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  it('collects stdout, stderr and the exit status, with input on stdin', async () => {
    const result = await run({ dir, args: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 3'], input: 'hello\n' });
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: 'got hello\n', stderr: 'oops\n' });
  });

  it('kills the container after timeout ms and rejects once it is gone', async () => {
    await expect(run({ dir, args: ['sleep', '1000'], timeout: 100 })).rejects.toThrow(`${dir}: the container was stopped after 100 ms`);
  });

  it('kills the container when the signal aborts, and refuses an aborted signal up front', async () => {
    const controller = new AbortController();
    const running = run({ dir, args: ['sh', '-c', 'echo started; exec sleep 1000'], signal: controller.signal });
    // The pid record says the container runs: then abort.
    while (!existsSync(join(dir, 'pid'))) await new Promise((resolve) => setImmediate(resolve));
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    controller.abort();
    await expect(running).rejects.toThrow('the container was stopped: aborted');
    expect(isAlive(pid)).toBe(false);
    await expect(run({ dir, args: ['true'], signal: controller.signal })).rejects.toThrow();
  });

  it('disposes of a running container: killed and waited for', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo up; exec sleep 1000'], stdio: ['ignore', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'up');
    await container[Symbol.asyncDispose]();
    expect(isAlive(container.pid)).toBe(false);
    expect(await container.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' });
  });
});
