import { startContainer } from '@lc/nsinit';
import { UsageError } from '../args.js';
import { forwardSignals } from '../signals.js';

export async function execCommand(dir: string, args: readonly string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('exec: no command given');
  const container = await startContainer({
    dir,
    args,
    onWarning: (message) => process.stderr.write(`nsinit: warning: ${message}\n`),
  });
  const stop = forwardSignals((signal) => container.kill(signal));
  try {
    const status = await container.exited;
    return status.exitCode;
  } finally {
    stop();
  }
}
