// `run`: a container from start to exit in one call, its output collected — what
// execa's `execa()` is to child_process.spawn. With `signal` or `timeout` the
// container is killed (SIGKILL) and the promise rejects once it is gone.
import { LcError } from '@lc/config-types';
import { type RunningContainer, type StartOptions, startContainer } from './container.js';
import type { ExitStatus } from './exit-status.js';

export interface RunOptions extends Omit<StartOptions, 'stdio'> {
  /** Written to the container's stdin, which is then closed; none: stdin is /dev/null. */
  readonly input?: string | Uint8Array;
  /** Aborting kills the container. */
  readonly signal?: AbortSignal;
  /** Milliseconds until the container is killed. */
  readonly timeout?: number;
}

export interface RunResult extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(options: RunOptions): Promise<RunResult> {
  options.signal?.throwIfAborted();
  const container = await startContainer({ ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stopped: LcError | undefined;
  const stop = (reason: LcError) => {
    stopped ??= reason;
    container.kill('SIGKILL');
  };
  const onAbort = () => stop(new LcError('ABORTED', `${options.dir}: the container was stopped: aborted`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted while the container was being started: it runs now, so stop it.
  if (options.signal?.aborted) onAbort();
  const timer =
    options.timeout === undefined
      ? undefined
      : setTimeout(() => stop(new LcError('TIMEOUT', `${options.dir}: the container was stopped after ${options.timeout} ms`)), options.timeout);
  try {
    if (options.input !== undefined) container.stdin?.end(options.input);
    const [stdout, stderr, status] = await Promise.all([text(container.stdout), text(container.stderr), container.exited]);
    if (stopped) throw stopped;
    return { ...status, stdout, stderr };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function text(stream: RunningContainer['stdout']): Promise<string> {
  let all = '';
  for await (const chunk of stream ?? []) all += chunk;
  return all;
}
