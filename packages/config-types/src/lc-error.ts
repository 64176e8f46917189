const marker = Symbol.for('lc.LcError');

export interface LcErrorOptions {
  readonly cause?: unknown;
}

/**
 * The base of every error lc throws on purpose. `code` names the kind ('CONFIG', 'EPERM',
 * …) so callers can branch without importing each package's subclass.
 */
export class LcError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor(code: string, message: string, options: LcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LcError';
    this.code = code;
  }

  /**
   * True for an LcError (or subclass) from any installed copy of lc: the marker is a
   * registered symbol, so the check survives two copies where `instanceof` would not.
   */
  static isInstance(value: unknown): value is LcError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
