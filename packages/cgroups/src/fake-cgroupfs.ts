// A cgroupfs in a tempdir for unit tests: mkdir fills a directory with its controller's
// files (as the kernel does), writes are recorded, a few kernel rules are enforced
// (memsw ≥ limit, no task in an empty cpuset, rmdir only without child cgroups), and a
// write can be made to fail. Not exported from the package.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { CgroupFiles } from './cgroup-files.js';
import { nodeCgroupFiles } from './cgroup-files.js';

const MAX = '9223372036854771712';

const V1_FILES: Record<string, Record<string, string>> = {
  cpu: { 'cpu.shares': '1024', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '-1', 'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n' },
  cpuacct: { 'cpuacct.usage': '0', 'cpuacct.usage_percpu': '0 0 ' },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
  memory: {
    'memory.limit_in_bytes': MAX,
    'memory.memsw.limit_in_bytes': MAX,
    'memory.soft_limit_in_bytes': MAX,
    'memory.swappiness': '60',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'memory.usage_in_bytes': '0',
    'memory.max_usage_in_bytes': '0',
    'memory.stat': 'cache 0\nrss 0\n',
  },
  devices: { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm' },
  freezer: { 'freezer.state': 'THAWED' },
  blkio: {
    'blkio.bfq.weight': '100',
    'blkio.bfq.io_service_bytes_recursive': 'Total 0\n',
    'blkio.throttle.read_bps_device': '',
    'blkio.throttle.write_bps_device': '',
    'blkio.throttle.read_iops_device': '',
    'blkio.throttle.write_iops_device': '',
  },
  pids: { 'pids.max': 'max', 'pids.current': '0' },
  perf_event: {},
};

const V2_FILES: Record<string, string> = {
  'cgroup.controllers': 'cpuset cpu io memory pids',
  'cgroup.subtree_control': '',
  'cgroup.freeze': '0',
  'cgroup.events': 'populated 0\nfrozen 0\n',
  'memory.max': 'max',
  'memory.swap.max': 'max',
  'memory.low': '0',
  'memory.current': '0',
  'memory.stat': 'anon 0\nfile 0\n',
  'cpu.weight': '100',
  'cpu.max': 'max 100000',
  'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
  'cpuset.cpus': '',
  'cpuset.mems': '',
  'pids.max': 'max',
  'pids.current': '0',
  'io.weight': 'default 100',
  'io.stat': '',
  'io.max': '',
};

export class FakeCgroupFs implements CgroupFiles {
  readonly root: string;
  /** Every write, as [path relative to root, value]. */
  readonly writes: [string, string][] = [];
  private readonly failures = new Map<string, string>();

  /** Every instance not cleaned up yet: a test may make several. */
  static readonly #live = new Set<FakeCgroupFs>();

  /** Removes the trees of every instance (afterEach). */
  static cleanupAll(): void {
    for (const fs of FakeCgroupFs.#live) fs.cleanup();
  }

  constructor(readonly kind: 'v1' | 'v2') {
    this.root = mkdtempSync(join(tmpdir(), 'lc-cgroupfs-'));
    FakeCgroupFs.#live.add(this);
    if (kind === 'v2') {
      this.populate(this.root);
      writeFileSync(join(this.root, 'cgroup.procs'), '');
    } else {
      for (const controller of Object.keys(V1_FILES)) {
        mkdirSync(join(this.root, controller));
        this.populate(join(this.root, controller));
      }
      writeFileSync(join(this.root, 'cpuset', 'cpuset.cpus'), '0-1');
      writeFileSync(join(this.root, 'cpuset', 'cpuset.mems'), '0');
    }
  }

  /** The next write to a file whose path ends with `suffix` fails with `code`. */
  failWrite(suffix: string, code: string): void {
    this.failures.set(suffix, code);
  }

  file(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  exists(path: string): boolean {
    return nodeCgroupFiles.exists(path);
  }

  read(path: string): string {
    return nodeCgroupFiles.read(path);
  }

  write(path: string, value: string): void {
    for (const [suffix, code] of this.failures) {
      if (path.endsWith(suffix)) {
        this.failures.delete(suffix);
        throw Object.assign(new Error(`${code}: write ${path}`), { code });
      }
    }
    const dir = dirname(path);
    const file = basename(path);
    // The kernel stores -1 as its page-rounded maximum.
    const asNumber = (text: string) => (text.trim() === '-1' ? BigInt(MAX) : BigInt(text.trim() || '0'));
    const number = (name: string) => asNumber(readFileSync(join(dir, name), 'utf8'));
    // Kernel rule: memory.memsw.limit_in_bytes ≥ memory.limit_in_bytes.
    if (file === 'memory.limit_in_bytes' && asNumber(value) > number('memory.memsw.limit_in_bytes')) this.einval(path);
    if (file === 'memory.memsw.limit_in_bytes' && asNumber(value) < number('memory.limit_in_bytes')) this.einval(path);
    // Kernel rule: no task joins a v1 cpuset with no cpus.
    if (file === 'cgroup.procs' && this.kind === 'v1' && relative(this.root, dir).startsWith('cpuset/')) {
      if (readFileSync(join(dir, 'cpuset.cpus'), 'utf8').trim() === '') {
        throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      }
    }
    nodeCgroupFiles.write(path, value);
    this.writes.push([relative(this.root, path), value]);
    if (file === 'cgroup.freeze') writeFileSync(join(dir, 'cgroup.events'), `populated 0\nfrozen ${value.trim()}\n`);
  }

  mkdir(path: string): void {
    nodeCgroupFiles.mkdir(path);
    this.populate(path);
  }

  rmdir(path: string): void {
    // A cgroup directory goes with its files, but not while it has child cgroups.
    if (!this.exists(path)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const entries = readdirSync(path);
    if (entries.some((entry) => statSync(join(path, entry)).isDirectory())) {
      throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
    }
    rmSync(path, { recursive: true });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
    FakeCgroupFs.#live.delete(this);
  }

  /** Every directory under root, relative, sorted. */
  directories(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) {
          out.push(relative(this.root, path));
          walk(path);
        }
      }
    };
    walk(this.root);
    return out.sort();
  }

  private einval(path: string): never {
    throw Object.assign(new Error(`EINVAL: write ${path}`), { code: 'EINVAL' });
  }

  private populate(dir: string): void {
    const controller = relative(this.root, dir).split('/')[0] ?? '';
    const files = this.kind === 'v2' ? V2_FILES : (V1_FILES[controller] ?? {});
    writeFileSync(join(dir, 'cgroup.procs'), '');
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), value);
  }
}
