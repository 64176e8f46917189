import { attachTerminal, type TerminalAttachment } from '@lc/console';
import { type ContainerProcess, type Executor, execInContainer, runningContainer, startContainer } from '@lc/nsinit';
import { linuxSystem } from '@lc/system';
import { UsageError } from '../args.js';
import { interruptEscalation } from '../interrupts.js';
import { forwardSignals } from '../signals.js';

/** How long nsinit waits, after the process exited, for the last output on its terminal. */
const OUTPUT_GRACE_MS = 1000;

/**
 * `nsinit exec CMD`: as in 2014, a new container with CMD as PID 1 — or, when the
 * directory records a running container, CMD started inside it (joined). With
 * `tty: true` the caller's terminal is relayed to the container's (raw mode, resizes).
 */
export async function execCommand(dir: string, args: readonly string[], executor: Executor | undefined): Promise<number> {
  if (args.length === 0) throw new UsageError('exec: no command given');
  // Forwarders go in before anything starts: a signal during set-up must not kill
  // nsinit by its default action (a container would die of its parent-death signal
  // and leave a stale record). Until the process exists, signals wait in a queue.
  let followed: ContainerProcess | undefined;
  const pending: NodeJS.Signals[] = [];
  const escalate = interruptEscalation();
  const send = (signal: NodeJS.Signals) => {
    // With a terminal, a resize is a TIOCSWINSZ (attachTerminal), which signals the
    // container's foreground process group itself.
    if (signal === 'SIGWINCH' && followed?.terminal) return;
    followed?.kill(escalate(signal) === 'kill' ? 'SIGKILL' : signal);
  };
  const stop = forwardSignals((signal) => {
    if (followed) send(signal);
    else pending.push(signal);
  });
  let attachment: TerminalAttachment | undefined;
  try {
    followed = runningContainer(dir)
      ? await execInContainer({ dir, args })
      : await startContainer({
          dir,
          args,
          ...(executor ? { executor } : {}),
          onWarning: (message) => process.stderr.write(`nsinit: warning: ${message}\n`),
        });
    attachment = attachToTerminal(followed);
    for (const signal of pending) send(signal);
    const { exitCode } = await followed.exited;
    if (attachment) {
      // The output the process wrote just before it exited, unless something it left
      // behind keeps the terminal open: then nsinit lets go of the terminal (the master
      // closes), or its open stream would keep nsinit waiting for as long as that lives.
      await within(attachment.done, OUTPUT_GRACE_MS);
      followed.stdout?.destroy();
      followed.stdin?.destroy();
    }
    return exitCode;
  } finally {
    // Restores the caller's terminal mode on every path out (an error included).
    attachment?.detach();
    stop();
  }
}

function attachToTerminal(followed: ContainerProcess): TerminalAttachment | undefined {
  const { terminal, stdin, stdout } = followed;
  if (!terminal || !stdin || !stdout) return undefined;
  return attachTerminal({ sys: linuxSystem(), master: terminal.fd, streams: { input: stdin, output: stdout } });
}

async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
