// One directory in the unified hierarchy: <mount>/<our cgroup>/<parent>/<name>.
import { join } from 'node:path';
import { BaseManager, type Placement } from './base-manager.js';
import { CgroupError, wrapCgroupError } from './cgroup-error.js';
import { cgroupRelativePath } from './cgroup-path.js';
import { deviceRules } from './devices.js';
import { mountedPath, parseProcessCgroups } from './layout.js';
import type { ManagerContext } from './manager.js';
import type { CgroupStats } from './stats.js';
import { readOptional } from './stats.js';
import { readV2Stats } from './v2-stats.js';
import { v2Controllers, v2Writes } from './v2-translate.js';
import { validateCgroup } from './validate.js';
import { waitFor } from './wait-for.js';
import { readField, writeField } from './write-field.js';

/** Enabled for stats when available, even if no field needs them. */
const STATS_CONTROLLERS = ['cpu', 'memory', 'pids', 'io'];

function v2Placement(context: ManagerContext): Record<string, Placement> {
  const mount = context.layout.unified;
  if (mount === undefined) throw new CgroupError('CGROUP', 'cgroups: no cgroup2 hierarchy is mounted');
  const relative = cgroupRelativePath(context.cgroup);
  const base = mountedPath(mount, parseProcessCgroups(context.selfCgroup).unified ?? '/');
  return { unified: { base, relative, dir: join(base, relative) } };
}

export class V2Manager extends BaseManager {
  readonly layout = 'v2';
  private readonly dir: string;
  private readonly base: string;

  constructor(context: ManagerContext) {
    const placements = v2Placement(context);
    super(context, placements);
    this.dir = placements.unified!.dir;
    this.base = placements.unified!.base;
  }

  private available(): Set<string> {
    return new Set((readOptional(this.files, this.base, 'cgroup.controllers') ?? '').trim().split(/\s+/));
  }

  protected validate(): void {
    validateCgroup(this.context.cgroup);
    const available = this.available();
    for (const [controller, field] of v2Controllers(v2Writes(this.context.cgroup))) {
      if (!available.has(controller)) {
        this.missing(field, `the ${controller} controller is not available in ${this.base} (cgroup.controllers)`);
      }
    }
  }

  /**
   * A controller's files appear in a cgroup only when its parent lists it in
   * cgroup.subtree_control, so each level from our cgroup down to the container's parent
   * enables them. Kernel rule ("no internal processes"): a non-root cgroup with processes
   * cannot enable domain controllers for its children (EBUSY), so our own cgroup must be
   * the root or empty of processes when limits are configured.
   */
  private enableControllers(): void {
    const required = v2Controllers(v2Writes(this.context.cgroup));
    const available = this.available();
    // A cgroup made only for the device program has no stats to read.
    const stats = this.context.cgroup.devicesOnly ? [] : STATS_CONTROLLERS;
    const wanted = [...new Set([...required.keys(), ...stats])].filter((c) => available.has(c));
    const levels = [this.base];
    for (const segment of cgroupRelativePath(this.context.cgroup).split('/').slice(0, -1)) {
      levels.push(join(levels.at(-1)!, segment));
    }
    for (const level of levels) {
      const enabled = new Set((readOptional(this.files, level, 'cgroup.subtree_control') ?? '').trim().split(/\s+/));
      for (const controller of wanted) {
        if (enabled.has(controller)) continue;
        try {
          this.files.write(join(level, 'cgroup.subtree_control'), `+${controller}`);
        } catch (error) {
          const field = required.get(controller);
          // Stats-only controllers are a nicety: without them stats read zeros.
          if (field !== undefined) {
            throw wrapCgroupError(field, `write ${join(level, 'cgroup.subtree_control')} = "+${controller}"`, error, level);
          }
        }
      }
    }
  }

  protected apply(): void {
    this.enableControllers();
    for (const { field, file, value } of v2Writes(this.context.cgroup)) {
      if (file === 'io.weight' && !this.files.exists(join(this.dir, file))) {
        // BFQ has its own weight file, in blkio's 10..1000 range.
        writeField(this.files, field, this.dir, 'io.bfq.weight', this.context.cgroup.blkioWeight ?? value);
      } else {
        writeField(this.files, field, this.dir, file, value);
      }
    }
    const rules = deviceRules(this.context.cgroup, this.context.devices);
    if (rules.length > 0 && this.context.attachDevices !== undefined) {
      try {
        this.context.attachDevices(this.dir, rules);
      } catch (error) {
        throw wrapCgroupError('allowed_devices', `attach device program to ${this.dir}`, error, this.dir);
      }
    }
  }

  private async setFrozen(frozen: boolean): Promise<void> {
    const want = frozen ? '1' : '0';
    writeField(this.files, 'freezer', this.dir, 'cgroup.freeze', want);
    // cgroup.freeze is the request; cgroup.events "frozen 1" says every task has stopped.
    const isDone = () => /^frozen (\d)$/m.exec(readField(this.files, 'freezer', this.dir, 'cgroup.events'))?.[1] === want;
    if (await waitFor(isDone, this.context.freezeTimeoutMs)) return;
    if (frozen) writeField(this.files, 'freezer', this.dir, 'cgroup.freeze', '0');
    throw new CgroupError(
      'ETIMEDOUT',
      `cgroups.freezer: cgroup.events not frozen ${want} ${this.context.freezeTimeoutMs} ms after writing cgroup.freeze = "${want}"`,
      { path: join(this.dir, 'cgroup.events') },
    );
  }

  freeze(): Promise<void> {
    return this.setFrozen(true);
  }

  thaw(): Promise<void> {
    return this.setFrozen(false);
  }

  stats(): CgroupStats {
    return readV2Stats(this.files, this.dir);
  }
}
