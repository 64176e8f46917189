import { LcError } from './lc-error.js';

const marker = Symbol.for('lc.ConfigError');

export interface ConfigErrorOptions {
  /** The config file, when the value came from one. */
  readonly file?: string | undefined;
  /** JSON path of the offending value (`mounts[0].destination`); absent for file-level errors. */
  readonly path?: string | undefined;
  /** 1-based position in the file, for syntax errors. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly cause?: unknown;
}

/**
 * An invalid or unreadable container config. The message is one line:
 * `container.json: mounts[0].destination: expected an absolute path, got "tmp"`, or with a
 * position for syntax errors, `container.json:3:7: unexpected token '}'`.
 */
export class ConfigError extends LcError {
  readonly [marker] = true;
  /** What is wrong, without the file and path in front. */
  readonly reason: string;
  readonly file: string | undefined;
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(reason: string, options: ConfigErrorOptions = {}) {
    super('CONFIG', locate(options) + reason, { cause: options.cause });
    this.name = 'ConfigError';
    this.reason = reason;
    this.file = options.file;
    this.path = options.path;
    this.line = options.line;
    this.column = options.column;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

function locate({ file, path, line, column }: ConfigErrorOptions): string {
  let where = file ?? '';
  if (file !== undefined && line !== undefined) {
    where += column === undefined ? `:${line}` : `:${line}:${column}`;
  }
  if (path) where = where ? `${where}: ${path}` : path;
  return where ? `${where}: ` : '';
}
