// One directory per v1 hierarchy: <mount>/<our cgroup there>/<parent>/<name>.
import { join } from 'node:path';
import { BaseManager, type Placement } from './base-manager.js';
import { CgroupError } from './cgroup-error.js';
import { cgroupRelativePath } from './cgroup-path.js';
import { deviceRules, v1DeviceWrites } from './devices.js';
import { mountedPath, parseProcessCgroups, V1_CONTROLLERS } from './layout.js';
import type { ManagerContext } from './manager.js';
import type { CgroupStats } from './stats.js';
import { applyV1Cpu } from './v1-cpu.js';
import { applyV1Cpuset, copyCpusetDown } from './v1-cpuset.js';
import { applyV1Memory } from './v1-memory.js';
import { readV1Stats } from './v1-stats.js';
import { configuredFields, pidsMax, validateCgroup } from './validate.js';
import { waitFor } from './wait-for.js';
import { readField, writeField } from './write-field.js';

function v1Placements(context: ManagerContext): Record<string, Placement> {
  const relative = cgroupRelativePath(context.cgroup);
  const self = parseProcessCgroups(context.selfCgroup);
  const placements: Record<string, Placement> = {};
  // A cgroup made only for the device rules needs one hierarchy: each more is a mkdir,
  // and a cgroup.procs write that can wait out an RCU grace period.
  const controllers = context.cgroup.devicesOnly ? (['devices'] as const) : V1_CONTROLLERS;
  for (const controller of controllers) {
    const mount = context.layout.v1[controller];
    if (mount === undefined) continue;
    const base = mountedPath(mount, self.v1[controller] ?? '/');
    placements[controller] = { base, relative, dir: join(base, relative) };
  }
  return placements;
}

export class V1Manager extends BaseManager {
  readonly layout = 'v1';

  constructor(context: ManagerContext) {
    super(context, v1Placements(context));
  }

  private rules() {
    const { cgroup, devices } = this.context;
    return deviceRules(cgroup, devices);
  }

  protected validate(): void {
    const { cgroup } = this.context;
    validateCgroup(cgroup);
    for (const [controller, fields] of Object.entries(configuredFields(cgroup))) {
      if (this.paths[controller] === undefined) this.missing(fields[0] ?? controller, `no ${controller} cgroup hierarchy is mounted`);
    }
    if (this.rules().length > 0 && this.paths.devices === undefined) {
      if (cgroup.devicesOnly) {
        throw new CgroupError('CGROUP', 'cgroups: no devices cgroup hierarchy is mounted to confine devices ("cgroups": { "device_access": true } runs without)');
      }
      this.missing('device_access', 'no devices cgroup hierarchy is mounted (set device_access to run without one)');
    }
  }

  protected override onLevel(placement: Placement, dir: string, parent: string): void {
    if (placement.dir === this.paths.cpuset) copyCpusetDown(this.files, dir, parent);
  }

  protected apply(): void {
    const { cgroup } = this.context;
    const { files, paths } = this;
    if (paths.cpuset !== undefined) applyV1Cpuset(files, paths.cpuset, cgroup);
    if (paths.memory !== undefined) applyV1Memory(files, paths.memory, cgroup);
    if (paths.cpu !== undefined) applyV1Cpu(files, paths.cpu, cgroup);
    if (paths.pids !== undefined && cgroup.pidsLimit !== undefined) {
      writeField(files, 'pids_limit', paths.pids, 'pids.max', pidsMax(cgroup.pidsLimit));
    }
    if (paths.blkio !== undefined && cgroup.blkioWeight !== undefined) this.applyBlkioWeight(paths.blkio, cgroup.blkioWeight);
    if (paths.blkio !== undefined) {
      // One write per device and kind: the file takes "major:minor rate" lines one by one.
      for (const { kind, major, minor, rate } of cgroup.blkioThrottle ?? []) {
        writeField(files, `blkio_throttle_${kind}`, paths.blkio, `blkio.throttle.${kind}`, `${major}:${minor} ${rate}`);
      }
    }
    if (paths.devices !== undefined) {
      for (const { file, value } of v1DeviceWrites(this.rules())) {
        writeField(files, 'allowed_devices', paths.devices, file, value);
      }
    }
    // Last: a frozen cgroup freezes whatever joins it, so nothing else may wait on it.
    if (paths.freezer !== undefined && cgroup.freezer !== undefined) {
      writeField(files, 'freezer', paths.freezer, 'freezer.state', cgroup.freezer);
    }
  }

  /** blkio.weight is CFQ's; kernels since 5.0 have only BFQ's blkio.bfq.weight (when BFQ is built). */
  private applyBlkioWeight(dir: string, weight: number): void {
    const file = ['blkio.weight', 'blkio.bfq.weight'].find((name) => this.files.exists(join(dir, name)));
    if (file === undefined) {
      throw new CgroupError(
        'ENOENT',
        `cgroups.blkio_weight: no blkio.weight or blkio.bfq.weight in ${dir} (needs the CFQ or BFQ I/O scheduler)`,
        { path: dir },
      );
    }
    writeField(this.files, 'blkio_weight', dir, file, weight);
  }

  private freezerDir(): string {
    const dir = this.paths.freezer;
    if (dir === undefined) this.missing('freezer', 'no freezer cgroup hierarchy is mounted');
    return dir;
  }

  private async setFreezer(state: 'FROZEN' | 'THAWED'): Promise<void> {
    const dir = this.freezerDir();
    const write = () => writeField(this.files, 'freezer', dir, 'freezer.state', state);
    write();
    // FREEZING until every task has stopped; writing FROZEN again retries the ones that
    // could not stop yet (the kernel does not retry by itself).
    const done = await waitFor(
      () => readField(this.files, 'freezer', dir, 'freezer.state') === state,
      this.context.freezeTimeoutMs,
      state === 'FROZEN' ? write : undefined,
    );
    if (done) return;
    const seen = readField(this.files, 'freezer', dir, 'freezer.state');
    if (state === 'FROZEN') writeField(this.files, 'freezer', dir, 'freezer.state', 'THAWED');
    throw new CgroupError(
      'ETIMEDOUT',
      `cgroups.freezer: freezer.state still ${seen} ${this.context.freezeTimeoutMs} ms after writing ${state}`,
      { path: join(dir, 'freezer.state') },
    );
  }

  freeze(): Promise<void> {
    return this.setFreezer('FROZEN');
  }

  thaw(): Promise<void> {
    return this.setFreezer('THAWED');
  }

  stats(): CgroupStats {
    return readV1Stats(this.files, this.paths);
  }
}
