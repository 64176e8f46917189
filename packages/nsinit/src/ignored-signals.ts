// Signals this process ignores, which its children inherit ignored: an ignored
// disposition survives fork, clone3 (even with CLONE_CLEAR_SIGHAND) and execve. Node
// ignores SIGPIPE and SIGXFSZ itself; at start-up it resets only signals 1-31, and so
// does libuv in the children it spawns, so a real-time signal its own parent ignored
// (pnpm 12 leaves 32 ignored) stays ignored here — and, unless reset, in the container.
import { SIGNALS, type System } from '@lc/system';

const known = new WeakMap<System, readonly number[]>();

/** SIGPIPE, SIGXFSZ and every signal /proc/self/status lists in SigIgn. Read once per System. */
export function ignoredSignals(sys: System): readonly number[] {
  let signals = known.get(sys);
  if (!signals) {
    signals = [...new Set([SIGNALS.SIGPIPE, SIGNALS.SIGXFSZ, ...fromStatus(sys)])].sort((a, b) => a - b);
    known.set(sys, signals);
  }
  return signals;
}

function fromStatus(sys: System): number[] {
  let status: string;
  try {
    status = sys.readFile('/proc/self/status');
  } catch {
    return []; // a System without /proc (a unit test's fake)
  }
  const mask = BigInt(`0x${status.match(/^SigIgn:\s*([0-9a-f]+)$/m)?.[1] ?? '0'}`);
  const signals: number[] = [];
  for (let signal = 1; signal <= 64; signal++) if (mask & (1n << BigInt(signal - 1))) signals.push(signal);
  return signals;
}
