// The only place that touches cgroupfs. Sync node:fs calls: each is one small read or
// write to a kernel file, and the managers' callers (nsinit, between clone and the sync
// pipe release) want them in order. Tests pass their own CgroupFiles to record the writes.
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, writeSync } from 'node:fs';

export interface CgroupFiles {
  read(path: string): string;
  /** One write(2) of the whole value: cgroupfs takes a value per write call. */
  write(path: string, value: string): void;
  exists(path: string): boolean;
  /** Not recursive: mkdir(2), EEXIST thrown as usual. */
  mkdir(path: string): void;
  rmdir(path: string): void;
}

export const nodeCgroupFiles: CgroupFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  write(path, value) {
    // No O_CREAT: cgroupfs files exist or the controller is missing, and creating one in a
    // tempdir would hide that. O_TRUNC is accepted (and ignored) by cgroupfs, like `echo >`.
    const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeSync(fd, value);
    } finally {
      closeSync(fd);
    }
  },
  exists: (path) => existsSync(path),
  mkdir: (path) => mkdirSync(path, 0o755),
  rmdir: (path) => rmdirSync(path),
};
