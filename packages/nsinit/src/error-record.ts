// The error pipe's record: {step, errno} (two little-endian u32) when a plan step
// failed, nothing (EOF) when the user's program was exec'd.
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

/** Reads a pipe to EOF without blocking a threadpool thread (the fd is ours alone). */
export function readToEnd(fd: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}
