import { join } from 'node:path';
import { wrapCgroupError } from './cgroup-error.js';
import type { CgroupFiles } from './cgroup-files.js';

/** Writes one value, failing with `cgroups.<field>: write <file> = "<value>": <errno>`. */
export function writeField(files: CgroupFiles, field: string, dir: string, file: string, value: string | number): void {
  const text = String(value);
  const path = join(dir, file);
  try {
    files.write(path, text);
  } catch (error) {
    throw wrapCgroupError(field, `write ${file} = ${JSON.stringify(text)}`, error, path);
  }
}

/** Reads one file, trimmed, failing with `cgroups.<field>: read <file>: <errno>`. */
export function readField(files: CgroupFiles, field: string, dir: string, file: string): string {
  const path = join(dir, file);
  try {
    return files.read(path).trim();
  } catch (error) {
    throw wrapCgroupError(field, `read ${file}`, error, path);
  }
}
