// The error pipe's record: {step, errno} (two little-endian u32) when a plan step
// failed, nothing (EOF) when the user's program was exec'd; before either, report
// records {step | REPORT_FLAG, value} of steps that report their result.
import { Socket } from 'node:net';
import { errnoName, type Plan } from '@lc/system';
import { InitError } from './errors.js';
import { ERROR_RECORD_SIZE, INIT_FAILED_STEP } from './init-protocol.js';

export function initError(plan: Plan, record: Buffer): InitError {
  const step = record.readUInt32LE(0);
  const errno = record.readUInt32LE(4);
  if (step === INIT_FAILED_STEP) {
    const message = record.subarray(ERROR_RECORD_SIZE).toString() || 'failed';
    return new InitError(`container init: ${message}`, { step, errno, label: 'init' });
  }
  if (step >= plan.steps.length) return new InitError('the plan ended without an exec', { step, errno, label: 'end' });
  const label = plan.steps[step]?.label ?? `step ${step}`;
  return new InitError(`${label}: ${errnoName(errno)}`, { step, errno, label });
}

/**
 * The parent's end of the error pipe, read without blocking a threadpool thread (the
 * fd is ours alone): report records first (a joined process's pid), then an error
 * record or EOF once the program was exec'd.
 */
export interface ErrorPipe {
  /** `size` bytes, or fewer when the pipe ends first. */
  read(size: number): Promise<Buffer>;
  /** Everything up to EOF that `read` did not take. */
  rest(): Promise<Buffer>;
}

export function errorPipe(fd: number): ErrorPipe {
  let buffered = Buffer.alloc(0);
  let ended = false;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const check of [...waiting]) check();
  };
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake();
  });
  // An error (EIO, never expected on a pipe) ends it like EOF: the caller then sees a
  // short record and reports the process's exit instead.
  socket.once('error', () => socket.destroy());
  socket.once('close', () => {
    ended = true;
    wake();
  });
  const take = (size: number) => {
    const taken = buffered.subarray(0, size);
    buffered = buffered.subarray(taken.length);
    return taken;
  };
  const when = (ready: () => boolean, value: () => Buffer) =>
    new Promise<Buffer>((resolve) => {
      const check = () => {
        if (!ready()) return;
        waiting.delete(check);
        resolve(value());
      };
      waiting.add(check);
      check();
    });
  return {
    read: (size) => when(() => ended || buffered.length >= size, () => take(size)),
    rest: () => when(() => ended, () => take(buffered.length)),
  };
}
