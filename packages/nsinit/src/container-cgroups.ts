// The container's cgroups, from the parent: made before the container's process
// exists, recorded in the container directory before they are made (so a later
// nsinit can remove what an interrupted one left), joined while the process waits on
// the sync pipe, and removed after it exited.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  attachDeviceProgram,
  type CgroupManager,
  createCgroupManager,
  deviceProgram,
  nodeCgroupFiles,
  removeDirectory,
} from '@lc/cgroups';
import type { ContainerModel } from '@lc/config-types';
import type { System } from '@lc/system';
import { faultPoint } from './fault-injection.js';
import { type CgroupName, isContainerCgroup, killCgroupProcesses } from './left-processes.js';

const RECORD = 'cgroups';

export interface CgroupRecord {
  /** The container's directories, by controller. */
  readonly paths: Readonly<Record<string, string>>;
  /** The parent directories the create made (outermost first). */
  readonly created: readonly string[];
}

/**
 * The manager for a container that asks for cgroups; none for a rootless container
 * (an unprivileged user cannot make cgroups here) — `notYetApplied` says so.
 */
export function containerCgroups(model: ContainerModel, sys: System): CgroupManager | undefined {
  if (!model.cgroup || process.geteuid?.() !== 0) return undefined;
  return createCgroupManager(model.cgroup, {
    files: { ...nodeCgroupFiles, mkdir: makeDirectory },
    devices: model.devices,
    // cgroup v2 has no devices files: the rules become an eBPF program on the directory
    // (removed with it).
    attachDevices: (dir, rules) => {
      if (rules.length > 0) attachDeviceProgram(sys, dir, deviceProgram(rules));
    },
  });
}

function makeDirectory(path: string): void {
  nodeCgroupFiles.mkdir(path);
  faultPoint('cgroup-made');
}

/** Makes the cgroups, recording them first; on failure nothing is left, not even the record. */
export function createRecordedCgroups(dir: string, cgroups: CgroupManager): void {
  // The parents create() may make are recorded as made before it makes them: an nsinit
  // killed between two mkdirs leaves none that a later start or delete does not know of.
  record(dir, { paths: cgroups.paths, created: missingParents(Object.values(cgroups.paths)) });
  faultPoint('cgroups-recorded');
  try {
    cgroups.create();
  } catch (error) {
    forget(dir);
    throw error;
  }
  record(dir, { paths: cgroups.paths, created: cgroups.created });
}

/** The directories above `leaves` that do not exist yet, outermost first. */
function missingParents(leaves: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const leaf of leaves) {
    const chain: string[] = [];
    for (let parent = dirname(leaf); parent !== dirname(parent) && !existsSync(parent); parent = dirname(parent)) {
      chain.unshift(parent);
    }
    for (const parent of chain) missing.add(parent);
  }
  return [...missing];
}

export function destroyRecordedCgroups(dir: string, cgroups: CgroupManager): void {
  cgroups.destroy();
  forget(dir);
}

/**
 * Removes the cgroups a dead container's record names: an nsinit that died left them, or
 * processes the container forked kept them busy at its exit. Those processes are killed
 * first where `cgroup` (the config's name and parent) says the directory is the
 * container's (left-processes.ts). A directory still busy is an error, and the record
 * stays for the next try.
 */
export function removeLeftCgroups(dir: string, sys: System, cgroup: CgroupName | undefined): void {
  const left = readRecord(dir);
  if (!left) return;
  const leaves = [...new Set(Object.values(left.paths))];
  for (const leaf of leaves) if (cgroup && isContainerCgroup(leaf, cgroup)) killCgroupProcesses(sys, leaf);
  // Deepest first: the container's own directories, then the parents made for them.
  for (const leaf of leaves) removeDirectory(nodeCgroupFiles, leaf);
  for (const parent of [...left.created].reverse()) removeDirectory(nodeCgroupFiles, parent, true);
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

