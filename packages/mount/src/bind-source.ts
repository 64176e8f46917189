// What a bind mount's source is. mount(2) follows symlinks in the source, so a
// symlink to a file binds the file: follow them here too.
import { posix } from 'node:path';
import { ConfigError } from '@lc/config-types';
import { type FileType, SysError, type System } from '@lc/system';

const MAX_SYMLINKS = 40; // the kernel's limit (ELOOP)

export interface BindSource {
  /** The source with its symlinks followed: what the target will show. */
  readonly path: string;
  readonly type: FileType;
}

/** Throws a ConfigError naming `what` (`mounts[2].source`) when the source is missing. */
export function bindSource(sys: System, source: string, what: string): BindSource {
  let path = source;
  for (let links = 0; links <= MAX_SYMLINKS; links++) {
    let type: FileType;
    try {
      type = sys.lstat(path).type;
    } catch (error) {
      const reason = SysError.isInstance(error) && error.code === 'ENOENT' ? 'no such file or directory' : messageOf(error);
      throw new ConfigError(`${source}: ${reason}`, { path: what, cause: error });
    }
    if (type !== 'symlink') return { path, type };
    path = posix.resolve(posix.dirname(path), sys.readlink(path));
  }
  throw new ConfigError(`${source}: too many levels of symbolic links`, { path: what });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
