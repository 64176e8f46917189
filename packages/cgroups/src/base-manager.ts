// What v1 and v2 managers share: making directories with rollback, joining, removing.
import { join } from 'node:path';
import { CgroupError } from './cgroup-error.js';
import type { CgroupFiles } from './cgroup-files.js';
import { deepestFirst, makeDirectories, removeDirectory } from './directories.js';
import type { CgroupManager, ManagerContext } from './manager.js';
import type { CgroupStats } from './stats.js';
import { writeField } from './write-field.js';

/** One hierarchy the container has a directory in: `base` is ours, `dir` the container's. */
export interface Placement {
  readonly base: string;
  readonly relative: string;
  readonly dir: string;
}

export abstract class BaseManager implements CgroupManager {
  abstract readonly layout: 'v1' | 'v2';
  readonly paths: Readonly<Record<string, string>>;
  protected readonly files: CgroupFiles;
  private readonly made: string[];

  constructor(
    protected readonly context: ManagerContext,
    /** Controller (or 'unified') → placement; co-mounted controllers share a placement's dir. */
    protected readonly placements: Readonly<Record<string, Placement>>,
  ) {
    this.files = context.files;
    this.made = [...context.created];
    this.paths = Object.fromEntries(Object.entries(placements).map(([name, p]) => [name, p.dir]));
  }

  get created(): readonly string[] {
    return this.made;
  }

  /** Each directory once (cpu and cpuacct may be one hierarchy). */
  protected uniquePlacements(): Placement[] {
    const seen = new Map<string, Placement>();
    for (const placement of Object.values(this.placements)) seen.set(placement.dir, placement);
    return [...seen.values()];
  }

  /** Checks the config against the host before anything is made. */
  protected abstract validate(): void;
  /** Runs for each level made under a base (v1 cpuset fills new levels in). */
  protected onLevel(_placement: Placement, _dir: string, _parent: string): void {}
  /** Writes the configured limits into the made directories. */
  protected abstract apply(): void;
  abstract freeze(): Promise<void>;
  abstract thaw(): Promise<void>;
  abstract stats(): CgroupStats;

  create(): void {
    this.validate();
    const made: string[] = [];
    try {
      for (const placement of this.uniquePlacements()) {
        makeDirectories(this.files, placement.base, placement.relative, made, (dir, parent) =>
          this.onLevel(placement, dir, parent),
        );
      }
      this.apply();
    } catch (error) {
      // Undo only what this call made: a directory that existed before is someone else's.
      for (const dir of deepestFirst(made)) {
        try {
          removeDirectory(this.files, dir, true);
        } catch {
          // The original error is the one worth reporting.
        }
      }
      throw error;
    }
    this.made.push(...made.filter((dir) => !this.made.includes(dir)));
  }

  join(pid: number): void {
    for (const { dir } of this.uniquePlacements()) writeField(this.files, 'join', dir, 'cgroup.procs', pid);
  }

  destroy(): void {
    const leaves = new Set(this.uniquePlacements().map((p) => p.dir));
    let first: unknown;
    for (const dir of deepestFirst([...leaves, ...this.made])) {
      try {
        // A parent we made may hold another container's cgroup by now: EBUSY leaves it.
        removeDirectory(this.files, dir, !leaves.has(dir));
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
    this.made.length = 0;
  }

  /** Fails before anything is made when a configured field's controller is missing. */
  protected missing(field: string, what: string): never {
    throw new CgroupError('CGROUP', `cgroups.${field}: ${what}`);
  }

  protected path(dir: string, file: string): string {
    return join(dir, file);
  }
}
