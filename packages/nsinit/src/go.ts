// The last part of starting either kind of process: the parent's own work while the
// process waits on the sync pipe, the go, and the wait for its exec (EOF on the error
// pipe) or its failure (an error record). Then the handle the caller gets.
import { writeSync } from 'node:fs';
import { type Plan, type System, ZERO_RESULT_ERRNO } from '@lc/system';
import { initError } from './error-record.js';
import { type ContainerProcess, type ExitStatus, signalNumber } from './exit-status.js';
import { ERROR_RECORD_SIZE } from './init-protocol.js';
import type { LaunchedInit } from './launched.js';

/**
 * Runs `prepare` while the process waits, then lets it go; resolves once its program
 * was exec'd. If `prepare` throws, the process gets no go: it reads EOF and exits, and
 * the error is thrown once it is reaped. A failed plan step throws an InitError.
 */
export async function letGo(
  plan: Plan,
  sys: System,
  init: LaunchedInit,
  exited: Promise<ExitStatus>,
  prepare: () => void | Promise<void>,
): Promise<void> {
  const errorRecord = init.errors.rest();
  let refused: unknown;
  try {
    await prepare();
    writeSync(init.syncWrite, Buffer.of(1));
  } catch (error) {
    // EPIPE: the process died before the go; its exit and error record tell why.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') refused = error;
  } finally {
    sys.close(init.syncWrite);
  }
  if (refused !== undefined) {
    await exited;
    // A process whose plan failed before the go is often what failed the parent's work
    // (its /proc/<pid> is gone): its own error is the cause, unless it only read EOF
    // where it waited for the go that was refused.
    const record = await errorRecord;
    if (record.length >= ERROR_RECORD_SIZE && !missedTheGo(plan, record)) throw initError(plan, record);
    throw refused;
  }
  const record = await errorRecord;
  if (record.length >= ERROR_RECORD_SIZE) {
    await exited;
    throw initError(plan, record);
  }
}

/** The record of a process that waited for the go (a zero-is-error read) and read EOF. */
function missedTheGo(plan: Plan, record: Buffer): boolean {
  const step = plan.steps[record.readUInt32LE(0)];
  return step?.zeroIsError === true && record.readUInt32LE(4) === ZERO_RESULT_ERRNO;
}

export function processHandle(init: LaunchedInit, exited: Promise<ExitStatus>): ContainerProcess {
  return {
    pid: init.pid,
    stdin: init.stdin,
    stdout: init.stdout,
    stderr: init.stderr,
    terminal: null,
    exited,
    kill: (signal = 'SIGTERM') => {
      init.kill(signalNumber(signal));
      return true;
    },
    [Symbol.asyncDispose]: async () => {
      init.kill(signalNumber('SIGKILL'));
      await exited;
    },
  };
}
