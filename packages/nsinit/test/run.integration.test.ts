// The one-call API: run() collects output and exit status; a timeout or an aborted
// signal kills the container and rejects; a handle disposes of its container.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import {
  isAlive,
  waitForOutput,
  withContainerDirs,
} from './harness.js';

describe.skipIf(!isRoot)(`run and disposal (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  it('collects stdout, stderr and the exit status, with input on stdin', async () => {
    const result = await run(dir, ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 3'], { input: 'hello\n' });
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: 'got hello\n', stderr: 'oops\n' });
  });

  it('takes input the container never reads without failing (EPIPE is its business)', async () => {
    expect(await run(dir, ['true'], { input: 'x'.repeat(1 << 20) })).toEqual({ exitCode: 0, signal: null, stdout: '', stderr: '' });
  });

  it('kills the container after timeout ms and rejects once it is gone', async () => {
    const stopped = run(dir, ['sleep', '1000'], { timeout: 100 });
    await expect(stopped).rejects.toThrow(`${dir}: the container was stopped after 100 ms`);
    await expect(stopped).rejects.toMatchObject({ code: 'TIMEOUT', cause: { name: 'TimeoutError' } });
  });

  it('kills the container when the signal aborts, and refuses an aborted signal up front', async () => {
    const controller = new AbortController();
    const running = run(dir, ['sh', '-c', 'echo started; exec sleep 1000'], { signal: controller.signal });
    // The pid record says the container runs: then abort.
    while (!existsSync(join(dir, 'pid'))) await new Promise((resolve) => setImmediate(resolve));
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    controller.abort();
    await expect(running).rejects.toThrow('the container was stopped: aborted');
    await expect(running).rejects.toMatchObject({ code: 'ABORTED', cause: controller.signal.reason });
    expect(isAlive(pid)).toBe(false);
    await expect(run(dir, ['true'], { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
      message: `${dir}: the container was not started: aborted`,
    });
  });

  it('disposes of a running container: killed and waited for', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo up; exec sleep 1000'], stdio: ['ignore', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'up');
    await container[Symbol.asyncDispose]();
    expect(isAlive(container.pid)).toBe(false);
    expect(await container.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' });
  });
});
