// `run`: a container from start to exit in one call, its output collected — what
// execa's `execa()` is to child_process.spawn. With `signal` or `timeout` the
// container is killed (SIGKILL) and the promise rejects (ABORTED, TIMEOUT) once it is
// gone.
import type { Readable } from 'node:stream';
import { type CreateOptions, create } from './container-handle.js';
import type { ExitStatus } from './exit-status.js';

export interface RunOptions extends Omit<CreateOptions, 'stdio'> {
  /** Written to the container's stdin, which is then closed; none: stdin is /dev/null. */
  readonly input?: string | Uint8Array;
}

export interface RunResult extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(dir: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, ...rest } = options;
  const container = await create(dir, args, { ...rest, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  // A container may exit without reading its input: EPIPE is no failure of run's.
  if (input !== undefined) container.stdin?.on('error', () => {}).end(input);
  const [stdout, stderr, status] = await Promise.all([text(container.stdout), text(container.stderr), container.wait()]);
  return { ...status, stdout, stderr };
}

async function text(stream: Readable | null): Promise<string> {
  let all = '';
  // Decoded as a stream: a character split between two chunks stays whole.
  for await (const chunk of stream?.setEncoding('utf8') ?? []) all += chunk;
  return all;
}
