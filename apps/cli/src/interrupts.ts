// A second Ctrl-C must always get the user out. The first SIGINT is the container's to
// handle (or ignore); a second one soon after, while it still runs, kills it — as
// `docker compose` does — so a container that ignores SIGINT never holds the terminal.
import { performance } from 'node:perf_hooks';

/** How close two SIGINTs must be for the second to kill the container. */
export const REPEAT_WINDOW_MS = 2000;

export type InterruptAction = 'forward' | 'kill';

/** Decides, per received signal, whether to forward it or to kill the container. */
export function interruptEscalation(windowMs = REPEAT_WINDOW_MS, now: () => number = () => performance.now()): (signal: NodeJS.Signals) => InterruptAction {
  let lastInterrupt: number | undefined;
  return (signal) => {
    if (signal !== 'SIGINT') return 'forward';
    const at = now();
    const repeated = lastInterrupt !== undefined && at - lastInterrupt <= windowMs;
    lastInterrupt = at;
    return repeated ? 'kill' : 'forward';
  };
}
