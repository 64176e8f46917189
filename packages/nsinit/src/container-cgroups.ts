// The container's cgroups, from the parent: made before the container's process
// exists, recorded in the container directory before they are made (so a later
// nsinit can remove what an interrupted one left), joined while the process waits on
// the sync pipe, and removed after it exited.
import { readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachDeviceProgram, type CgroupManager, createCgroupManager, deviceProgram } from '@lc/cgroups';
import type { ContainerModel } from '@lc/config-types';
import type { System } from '@lc/system';

const RECORD = 'cgroups';

export interface CgroupRecord {
  /** The container's directories, by controller. */
  readonly paths: Readonly<Record<string, string>>;
  /** The parent directories the create made (outermost first). */
  readonly created: readonly string[];
}

/**
 * The manager of the container's cgroup: the configured one, or the default that only
 * confines devices (`devicesOnly`, for a config without `cgroups`). None for a rootless
 * container (an unprivileged user cannot make cgroups here; its device nodes are binds
 * of the host's, which it cannot mknod) — `notYetApplied` says so of a configured one.
 */
export function containerCgroups(model: ContainerModel, sys: System): CgroupManager | undefined {
  if (!model.cgroup || process.geteuid?.() !== 0) return undefined;
  return createCgroupManager(model.cgroup, {
    devices: model.devices,
    // cgroup v2 has no devices files: the rules become an eBPF program on the directory
    // (removed with it).
    attachDevices: (dir, rules) => {
      if (rules.length > 0) attachDeviceProgram(sys, dir, deviceProgram(rules));
    },
  });
}

/** Makes the cgroups, recording them first; on failure nothing is left, not even the record. */
export function createRecordedCgroups(dir: string, cgroups: CgroupManager): void {
  record(dir, { paths: cgroups.paths, created: [] });
  try {
    cgroups.create();
  } catch (error) {
    forget(dir);
    throw error;
  }
  record(dir, { paths: cgroups.paths, created: cgroups.created });
}

export function destroyRecordedCgroups(dir: string, cgroups: CgroupManager): void {
  cgroups.destroy();
  forget(dir);
}

/** Removes the cgroups an nsinit that died recorded (their processes died with it). */
export function removeLeftCgroups(dir: string): void {
  const left = readRecord(dir);
  if (!left) return;
  // Deepest first: the container's own directories, then the parents made for them.
  for (const path of [...Object.values(left.paths), ...[...left.created].reverse()]) removeDirectory(path);
  forget(dir);
}

/** Moves `pid` into the cgroups of the container recorded in `dir` (a joined process). */
export function joinRecordedCgroups(dir: string, pid: number): void {
  for (const path of Object.values(readRecord(dir)?.paths ?? {})) writeFileSync(join(path, 'cgroup.procs'), String(pid));
}

function record(dir: string, value: CgroupRecord): void {
  writeFileSync(join(dir, RECORD), `${JSON.stringify(value)}\n`);
}

function readRecord(dir: string): CgroupRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as CgroupRecord;
  } catch {
    return undefined;
  }
}

function forget(dir: string): void {
  try {
    unlinkSync(join(dir, RECORD));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function removeDirectory(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    // Gone already, or a parent another container still uses.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EBUSY' && code !== 'ENOTEMPTY') throw error;
  }
}
