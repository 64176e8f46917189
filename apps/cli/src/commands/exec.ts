import { type Executor, type RunningContainer, startContainer } from '@lc/nsinit';
import { UsageError } from '../args.js';
import { forwardSignals } from '../signals.js';

export async function execCommand(dir: string, args: readonly string[], executor: Executor | undefined): Promise<number> {
  if (args.length === 0) throw new UsageError('exec: no command given');
  // Forwarders go in before the container starts: a signal during set-up must not
  // kill nsinit by its default action (the container would die of its parent-death
  // signal and leave a stale record). Until PID 1 exists, signals wait in a queue.
  let container: RunningContainer | undefined;
  const pending: NodeJS.Signals[] = [];
  const stop = forwardSignals((signal) => {
    if (container) container.kill(signal);
    else pending.push(signal);
  });
  try {
    container = await startContainer({
      dir,
      args,
      ...(executor ? { executor } : {}),
      onWarning: (message) => process.stderr.write(`nsinit: warning: ${message}\n`),
    });
    for (const signal of pending) container.kill(signal);
    const status = await container.exited;
    return status.exitCode;
  } finally {
    stop();
  }
}
