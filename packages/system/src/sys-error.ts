import { errnoName } from './errno.js';

const marker = Symbol.for('lc.SysError');

export interface SysErrorOptions {
  readonly path?: string;
  readonly cause?: unknown;
}

/**
 * A failed system call, shaped like Node's own system errors: `code` ('EPERM'),
 * `errno` (1), `syscall` ('mount'), `path`, and the message `mount /proc: EPERM`.
 */
export class SysError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string | undefined;

  constructor(syscall: string, errno: number, options: SysErrorOptions = {}) {
    const code = errnoName(errno);
    super(options.path === undefined ? `${syscall}: ${code}` : `${syscall} ${options.path}: ${code}`, {
      cause: options.cause,
    });
    this.name = 'SysError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    this.path = options.path;
  }

  /** True for a SysError from any installed copy of this package. */
  static isInstance(value: unknown): value is SysError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
