// Forwarding the signals nsinit receives to the container's PID 1. SIGKILL and
// SIGSTOP cannot be caught; SIGCHLD is nsinit's own business; SIGSEGV, SIGBUS,
// SIGFPE, SIGILL report nsinit's own faults; SIGPIPE is ignored by Node.
const FORWARDED: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGALRM',
  'SIGVTALRM',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
  'SIGTRAP',
  'SIGABRT',
];

/** Installs the forwarders; returns the function that removes them. */
export function forwardSignals(send: (signal: NodeJS.Signals) => void): () => void {
  const handlers = FORWARDED.map((signal) => {
    const handler = () => send(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
