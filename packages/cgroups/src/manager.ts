import type { Cgroup, Device } from '@lc/config-types';
import type { CgroupFiles } from './cgroup-files.js';
import type { DeviceRule } from './devices.js';
import type { Layout, LayoutKind } from './layout.js';
import type { CgroupStats } from './stats.js';

export interface CgroupManager {
  readonly layout: 'v1' | 'v2';
  /** Every directory this container's cgroup is, by controller (v2: { unified: dir }). */
  readonly paths: Readonly<Record<string, string>>;
  /**
   * The directories create() made (outermost first), including parents such as
   * `<parent>`: record them in the container's state so a later destroy() (another
   * process, after an interrupted create) removes the same ones.
   */
  readonly created: readonly string[];
  /** Makes every directory (parents too), then writes the limits; on failure removes what it made and throws a CgroupError. */
  create(): void;
  /** Writes `pid` to cgroup.procs in every directory. */
  join(pid: number): void;
  /** Freezes every process in the cgroup and resolves once the kernel reports it frozen. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  stats(): CgroupStats;
  /**
   * Removes the container's directories, deepest first (ENOENT is fine; EBUSY is retried
   * briefly, then thrown), then the parents create() made, when no other cgroup uses them.
   */
  destroy(): void;
}

export interface CgroupManagerOptions {
  /**
   * A cgroupfs shaped the usual way under this directory instead of the host's (tests):
   * v1 `<root>/<controller>`, v2 `<root>`. Without `layout`, `<root>/cgroup.controllers`
   * decides between v2 and v1.
   */
  readonly root?: string;
  /** The layout, or just its kind with `root`; default: detected from /proc/self/mountinfo. */
  readonly layout?: Layout | LayoutKind;
  /**
   * /proc/<pid>/cgroup text of the process the container's cgroup nests under. Default:
   * /proc/self/cgroup (nsinit may run in a delegated cgroup, e.g. memory:/process_api/x,
   * and must stay inside it); "" (everything at "/") with `root`. Pass /proc/1/cgroup's
   * text for 2014's behaviour (init's cgroup).
   */
  readonly selfCgroup?: string;
  /** The container's device nodes: each gets an allow rule in the devices cgroup. */
  readonly devices?: readonly Device[];
  /**
   * v2 only: applies the device rules to the container's directory (an eBPF
   * BPF_PROG_TYPE_CGROUP_DEVICE program). Without it a v2 container's devices are not
   * restricted by the cgroup.
   */
  readonly attachDevices?: (dir: string, rules: readonly DeviceRule[]) => void;
  /** Directories an earlier create() made (from `created`, via the container's state). */
  readonly created?: readonly string[];
  /** How long freeze() and thaw() wait for the kernel; default 5000 ms. */
  readonly freezeTimeoutMs?: number;
  /** The cgroupfs access; default node:fs. Tests pass one that records or fails writes. */
  readonly files?: CgroupFiles;
}

/** What every manager is built from, resolved by createCgroupManager. */
export interface ManagerContext {
  readonly cgroup: Cgroup;
  readonly layout: Layout;
  readonly selfCgroup: string;
  readonly devices: readonly Device[];
  readonly attachDevices: ((dir: string, rules: readonly DeviceRule[]) => void) | undefined;
  readonly created: readonly string[];
  readonly freezeTimeoutMs: number;
  readonly files: CgroupFiles;
}
