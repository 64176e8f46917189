import { LcError } from '@lc/config-types';

const marker = Symbol.for('lc.SecurityError');

/** A user that cannot be resolved, or a security setting that cannot be expressed. */
export class SecurityError extends LcError {
  readonly [marker] = true;

  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super('SECURITY', message, options);
    this.name = 'SecurityError';
  }

  /** True for a SecurityError from any installed copy of this package. */
  static override isInstance(value: unknown): value is SecurityError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
