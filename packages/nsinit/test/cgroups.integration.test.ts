// A container's cgroups on the real kernel (v1 here, or v2): limits hold inside, the
// process joins them before it runs, and nothing is left after it exited, was
// killed, or failed to start.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { containerStats, execInContainer, pauseContainer, type RunningContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  readAll,
  removeAllContainerDirs,
  removeContainerDir,
  runScript,
  waitForOutput,
  withContainerDirs,
} from './harness.js';

const PARENT = `lc-test-${process.pid}`;

/** Every cgroup directory of this test run on the host (under any controller). */
function leftCgroups(): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (entry.startsWith('lc-test-')) found.push(path);
      else if (depth < 3 && !entry.includes('.')) walk(path, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}



describe.skipIf(!isRoot)(`container cgroups (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  let name: string;

  beforeEach(async () => {
    before = hostSnapshot();
    name = `c${Math.random().toString(36).slice(2, 8)}`;
    dir = await makeContainerDir({ cgroups: { name, parent: PARENT } });
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    expect(leftCgroups()).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  async function configure(cgroups: Record<string, unknown>) {
    const file = join(dir, 'container.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    config.cgroups = { name, parent: PARENT, ...cgroups };
    writeFileSync(file, JSON.stringify(config));
  }

  it('runs the process in its cgroups from the start, with the cpuset and limits applied', async () => {
    await configure({ cpuset_cpus: '0', pids_limit: 50, memory: 64 * 1024 * 1024, cpu_shares: 256 });
    const result = await runScript(dir, 'grep Cpus_allowed_list /proc/self/status; grep -E "pids|memory|cpu," /proc/self/cgroup');
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('Cpus_allowed_list:\t0');
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`/${PARENT}/${name}$`));
  });

  it('stops a fork loop at pids_limit', async () => {
    // pids.max counts threads: the node executor's init (a Node process, ~11 threads)
    // joins before it execs, so the limit leaves it room.
    await configure({ pids_limit: 20 });
    const result = await runScript(dir, 'i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i + 1)); done 2>&1; echo started; kill $(jobs -p) 2>/dev/null; wait');
    expect(result.stdout + result.stderr).toMatch(/fork|Resource temporarily unavailable|Cannot fork/i);
  });

  it('kills a process that allocates past memory (OOM: exit 137)', async () => {
    await configure({ memory: 16 * 1024 * 1024, memory_swap: 16 * 1024 * 1024 });
    // A shell string doubling in size: a few dozen MiB, far past the limit.
    const result = await runScript(dir, 'x=0123456789abcdef; while :; do x="$x$x"; done');
    expect(result).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
  });

  it.skipIf(!existsSync('/sys/fs/cgroup/memory'))('keeps the OOM killer away with oom_kill_disable (v1)', async () => {
    await configure({ oom_kill_disable: true, memory: 64 * 1024 * 1024 });
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    const memory = (readFileSync(`/proc/${container.pid}/cgroup`, 'utf8').match(/^\d+:memory:(.*)$/m) ?? [])[1];
    expect(readFileSync(`/sys/fs/cgroup/memory${memory}/memory.oom_control`, 'utf8')).toMatch(/^oom_kill_disable 1$/m);
    container.stdin!.end('\n');
    expect((await container.exited).exitCode).toBe(0);
  });

  const blockDevice = readdirSync('/sys/block').map((name) => readFileSync(`/sys/block/${name}/dev`, 'utf8').trim())[0];
  it.skipIf(!existsSync('/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device') || blockDevice === undefined)(
    'throttles I/O on a block device (v1 blkio.throttle)',
    async () => {
      const [major, minor] = blockDevice!.split(':').map(Number);
      await configure({ blkio_throttle_read_bps_device: [{ major, minor, rate: 1048576 }], blkio_throttle_write_iops_device: [{ major, minor, rate: 100 }] });
      const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
      await waitForOutput(container.stdout!, 'ready');
      const blkio = (readFileSync(`/proc/${container.pid}/cgroup`, 'utf8').match(/^\d+:blkio:(.*)$/m) ?? [])[1];
      const read = (file: string) => readFileSync(`/sys/fs/cgroup/blkio${blkio}/blkio.throttle.${file}`, 'utf8').trim();
      expect([read('read_bps_device'), read('write_iops_device')]).toEqual([`${blockDevice} 1048576`, `${blockDevice} 100`]);
      container.stdin!.end('\n');
      expect((await container.exited).exitCode).toBe(0);
    },
  );

  it('denies a device outside the allow-list while /dev/null works', async () => {
    const result = await runScript(
      dir,
      'echo ok > /dev/null && echo null-ok; mknod /tmp/sda b 8 0 && (head -c 1 /tmp/sda > /dev/null 2>&1 && echo sda-open || echo sda-denied)',
    );
    expect(result.stdout.trim().split('\n')).toEqual(['null-ok', 'sda-denied']);
  });

  it('puts a joined process in the container\'s cgroups', async () => {
    await configure({ pids_limit: 50 });
    const container: RunningContainer = await startContainer({
      dir,
      args: ['sh', '-c', 'echo ready; read line'],
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    await waitForOutput(container.stdout!, 'ready');
    const joined = await execInContainer({ dir, args: ['grep', 'pids', '/proc/self/cgroup'], stdio: ['ignore', 'pipe', 'ignore'] });
    expect((await readAll(joined.stdout)).trim()).toMatch(new RegExp(`pids:.*/${PARENT}/${name}$`));
    await joined.exited;
    container.stdin!.end('\n');
    await container.exited;
  });

  it('removes the cgroups of a killed container', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; exec sleep 1000'], stdio: ['ignore', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    expect(leftCgroups().length).toBeGreaterThan(0);
    container.kill('SIGKILL');
    expect((await container.exited).exitCode).toBe(137);
  });

  it('refuses a value the kernel refuses, naming the field, and leaves nothing', async () => {
    await configure({ cpuset_cpus: '99' });
    await expect(startContainer({ dir, args: ['true'] })).rejects.toThrow(/^cgroups\.cpuset_cpus: write cpuset\.cpus = "99": E(RANGE|INVAL)$/);
  });

  it('removes what an interrupted nsinit left, as recorded in the directory', async () => {
    // An nsinit that died after making its cgroups: its record names them, its pid is gone.
    const left = `/sys/fs/cgroup/pids/${PARENT}/${name}`;
    mkdirSync(left, { recursive: true });
    writeFileSync(join(dir, 'cgroups'), JSON.stringify({ paths: { pids: left }, created: [`/sys/fs/cgroup/pids/${PARENT}`] }));
    writeFileSync(join(dir, 'pid'), '999999999');
    writeFileSync(join(dir, 'start'), '1');
    await configure({});
    const result = await runScript(dir, 'true');
    expect(result.exitCode).toBe(0);
    expect(existsSync(left)).toBe(false);
  });
});

describe.skipIf(!isRoot)(`the default cgroup of a config without "cgroups" (${needsRoot})`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  const devicesLine = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((line) => line.includes(':devices:')) ?? '';

  /** /proc/<pid>/cgroup as controller → path. */
  const cgroupsOf = (pid: number | 'self') =>
    Object.fromEntries(
      readFileSync(`/proc/${pid}/cgroup`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(':'))
        .map(([, controllers, path]) => [controllers!, path!]),
    );

  it('puts the container, and a process joined to it, in a devices cgroup of its own, recorded, and removes both at the exit', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
    let path = '';
    try {
      await waitForOutput(container.stdout!, 'ready');
      const ours = cgroupsOf('self');
      const theirs = cgroupsOf(container.pid);
      // Named after the directory; the devices hierarchy only: every other one is nsinit's own.
      expect(theirs.devices).toMatch(new RegExp(`^${ours.devices!.replace(/\/$/, '')}/lc-${basename(dir)}-[0-9a-f]{8}$`));
      for (const controller of Object.keys(ours).filter((name) => name !== 'devices')) expect(theirs[controller], controller).toBe(ours[controller]);
      path = `/sys/fs/cgroup/devices${theirs.devices}`;
      expect(readFileSync(`${path}/devices.list`, 'utf8').trim().split('\n')).toEqual([
        'c *:* m',
        'b *:* m',
        'c 1:3 rwm',
        'c 1:5 rwm',
        'c 1:7 rwm',
        'c 1:8 rwm',
        'c 1:9 rwm',
        'c 5:0 rwm',
        'c 5:1 rwm',
        'c 5:2 rwm',
        'c 136:* rwm',
      ]);
      // Recorded before it was made: a later nsinit removes it if this one dies.
      expect(JSON.parse(readFileSync(join(dir, 'cgroups'), 'utf8'))).toEqual({ paths: { devices: path }, created: [path] });
      const joined = await execInContainer({ dir, args: ['cat', '/proc/self/cgroup'], stdio: ['ignore', 'pipe', 'ignore'] });
      expect((await readAll(joined.stdout)).split('\n')).toContain(devicesLine(container.pid));
      await joined.exited;
    } finally {
      container.stdin!.end('\n');
      await container.exited;
    }
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, 'cgroups'))).toBe(false);
  });

  it('has no stats or freezer to offer: pause and stats say so in one line', async () => {
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    await expect(containerStats(dir)).rejects.toThrow(`${dir}: the container has no cgroups (container.json has no "cgroups")`);
    await expect(pauseContainer(dir)).rejects.toMatchObject({ code: 'NO_CGROUPS' });
    container.stdin!.end('\n');
    await container.exited;
  });
});
