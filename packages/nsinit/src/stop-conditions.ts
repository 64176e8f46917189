// A process's `signal` and `timeout` options: whichever comes first kills it
// (SIGKILL), and its wait() then rejects with why — an LcError ABORTED (cause: the
// signal's reason) or TIMEOUT (cause: a TimeoutError, as AbortSignal.timeout gives).
import { LcError } from '@lc/config-types';

export interface StopOptions {
  /** Aborting kills the process. */
  readonly signal?: AbortSignal;
  /** Milliseconds from the call until the process is killed; 0 or absent: never. */
  readonly timeout?: number;
}

export interface StopConditions {
  /** Why the process was stopped, once a condition held. */
  readonly reason: LcError | undefined;
  /** The process exists: kills it now if a condition held while it started, else when one does. */
  attach(kill: () => void): void;
  /** The process is gone: its abort listener and its timer go too. */
  dispose(): void;
}

/** `subject` names the process in the messages: `/c: the container`. */
export function stopConditions(subject: string, { signal, timeout }: StopOptions): StopConditions {
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0 && timeout <= MAX_TIMEOUT)) {
    throw new LcError('INVALID_ARGUMENT', `timeout: expected ms from 0 to ${MAX_TIMEOUT}, got ${timeout}`);
  }
  if (signal?.aborted) throw new LcError('ABORTED', `${subject} was not started: aborted`, { cause: signal.reason });
  let reason: LcError | undefined;
  let kill: (() => void) | undefined;
  const stop = (why: LcError) => {
    reason ??= why;
    dispose();
    kill?.();
  };
  const onAbort = () => stop(new LcError('ABORTED', `${subject} was stopped: aborted`, { cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timeout
    ? setTimeout(() => {
        const cause = new DOMException(`timed out after ${timeout} ms`, 'TimeoutError');
        stop(new LcError('TIMEOUT', `${subject} was stopped after ${timeout} ms`, { cause }));
      }, timeout)
    : undefined;
  function dispose() {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return {
    get reason() {
      return reason;
    },
    attach(killer) {
      kill = killer;
      if (reason) killer();
    },
    dispose,
  };
}

/** setTimeout's limit: a longer delay fires after 1 ms (with a warning). */
const MAX_TIMEOUT = 2 ** 31 - 1;
