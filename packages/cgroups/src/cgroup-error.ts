import { LcError } from '@lc/config-types';

const marker = Symbol.for('lc.CgroupError');

export interface CgroupErrorOptions {
  readonly cause?: unknown;
  /** The cgroupfs file or directory the failing operation touched. */
  readonly path?: string | undefined;
}

/**
 * A cgroup that cannot be created, configured, joined, frozen or removed. `code` is the
 * errno name when the kernel refused ('EINVAL', 'EBUSY'), 'CGROUP' otherwise.
 */
export class CgroupError extends LcError {
  readonly [marker] = true;
  readonly path: string | undefined;

  constructor(code: string, message: string, options: CgroupErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'CgroupError';
    this.path = options.path;
  }

  /** True for a CgroupError from any installed copy of this package. */
  static override isInstance(value: unknown): value is CgroupError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** The errno name of a node:fs error ('ENOENT'), or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `cgroups.<field>: <action>: <errno>` — `field` is the container.json name (snake_case),
 * or a plain word ('create', 'join') for operations that belong to no field.
 */
export function wrapCgroupError(field: string, action: string, error: unknown, path?: string): CgroupError {
  if (CgroupError.isInstance(error)) return error;
  const code = errnoCode(error);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new CgroupError(code ?? 'CGROUP', `cgroups.${field}: ${action}: ${reason}`, { cause: error, path });
}
