// The files lc keeps in a container directory (pid, start, cgroups, network): written
// and read without following a symlink, and only as regular files of a sane size. A
// record is lc's own memory of what it made — but it lies in a directory, so nothing
// in it is acted on before it is checked against the container's config
// (container-cgroups.ts, container-network.ts, delete.ts).
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LcError } from '@lc/config-types';

/** No record lc writes comes near this. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Whole or not at all: written beside the record and renamed over it, so an nsinit
 * killed while it writes leaves the old record (or none), never half of one. rename(2)
 * replaces a symlink at the name rather than following it.
 */
export function writeRecord(dir: string, name: string, text: string): void {
  const draft = draftOf(name);
  const fd = openRecord(dir, draft, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(join(dir, draft), join(dir, name));
}

const draftOf = (name: string) => `.${name}.new`;

/** The record's text, or undefined when there is none. */
export function readRecord(dir: string, name: string): string | undefined {
  let fd: number;
  try {
    fd = openRecord(dir, name, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw recordError(dir, name, 'not a regular file');
    if (stat.size > MAX_RECORD_BYTES) throw recordError(dir, name, `${stat.size} bytes, not a record of lc's`);
    const bytes = Buffer.alloc(stat.size);
    const length = readSync(fd, bytes, 0, bytes.length, 0);
    return bytes.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The record parsed as JSON; a record that is not JSON is an error naming it. */
export function readJsonRecord(dir: string, name: string): unknown {
  const text = readRecord(dir, name);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw recordError(dir, name, 'not JSON');
  }
}

/** Removes the record, and the draft of one an nsinit killed while writing it left. */
export function forgetRecord(dir: string, name: string): void {
  for (const file of [name, draftOf(name)]) {
    try {
      unlinkSync(join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Drafts (writeRecord) an nsinit killed while writing left, of the records named. */
export function removeDrafts(dir: string, names: readonly string[]): void {
  for (const name of names) {
    try {
      unlinkSync(join(dir, draftOf(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** `<dir>/<name>: <reason>`: a record lc will not act on. */
export function recordError(dir: string, name: string, reason: string): LcError {
  return new LcError('RECORD', `${join(dir, name)}: ${reason}: left as it is`);
}

function openRecord(dir: string, name: string, flags: number): number {
  const path = join(dir, name);
  try {
    return openSync(path, flags | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw recordError(dir, name, 'a symlink');
    throw error;
  }
}
