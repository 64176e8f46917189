import { type Executor, execInContainer, runningContainer, startContainer } from '@lc/nsinit';
import { UsageError } from '../args.js';
import { forwardSignals } from '../signals.js';

/** What exec follows: a new container, or a process joined to a running one. */
interface Followed {
  readonly exited: Promise<{ readonly exitCode: number }>;
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * `nsinit exec CMD`: as in 2014, a new container with CMD as PID 1 — or, when the
 * directory records a running container, CMD started inside it (joined).
 */
export async function execCommand(dir: string, args: readonly string[], executor: Executor | undefined): Promise<number> {
  if (args.length === 0) throw new UsageError('exec: no command given');
  // Forwarders go in before anything starts: a signal during set-up must not kill
  // nsinit by its default action (a container would die of its parent-death signal
  // and leave a stale record). Until the process exists, signals wait in a queue.
  let followed: Followed | undefined;
  const pending: NodeJS.Signals[] = [];
  const stop = forwardSignals((signal) => {
    if (followed) followed.kill(signal);
    else pending.push(signal);
  });
  try {
    followed = runningContainer(dir)
      ? await execInContainer({ dir, args })
      : await startContainer({
          dir,
          args,
          ...(executor ? { executor } : {}),
          onWarning: (message) => process.stderr.write(`nsinit: warning: ${message}\n`),
        });
    for (const signal of pending) followed.kill(signal);
    return (await followed.exited).exitCode;
  } finally {
    stop();
  }
}
