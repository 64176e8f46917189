// Errors of container creation. All are LcError, so callers can tell a runtime
// failure (exit 125 in the CLI) from the container's own exit code.
import { LcError } from '@lc/config-types';

/** The config cannot be run as asked: names the field and the reason. */
export class ConfigurationError extends LcError {
  readonly field: string;
  constructor(field: string, reason: string) {
    super('CONFIG', `${field}: ${reason}`);
    this.name = 'ConfigurationError';
    this.field = field;
  }
}

/** A plan step failed inside the new container: `mount proc on /r/proc: EPERM`. */
export class InitError extends LcError {
  readonly step: number;
  readonly errno: number;
  readonly label: string;
  constructor(message: string, details: { step: number; errno: number; label: string }) {
    super('INIT', message);
    this.name = 'InitError';
    this.step = details.step;
    this.errno = details.errno;
    this.label = details.label;
  }
}

/** Another nsinit is starting or running a container in the container directory. */
export class ContainerRunningError extends LcError {
  readonly pid: number | undefined;
  constructor(dir: string, pid: number | undefined) {
    const which = pid === undefined ? 'is starting' : `is already running there (pid ${pid})`;
    super('RUNNING', `${dir}: a container ${which} (execInContainer starts a process in it)`);
    this.name = 'ContainerRunningError';
    this.pid = pid;
  }
}

/**
 * What create() and exec() reject with when starting failed: an LcError as thrown, or
 * any other error (a SysError from clone3, a failed spawn) wrapped in one that keeps its
 * `code` ('EPERM', else 'START') and has it as `cause`.
 */
export function startError(dir: string, error: unknown): LcError {
  if (LcError.isInstance(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new LcError(typeof code === 'string' ? code : 'START', `${dir}: ${message}`, { cause: error });
}
