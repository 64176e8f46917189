// Starting a process inside a running container (the join mechanism): it enters
// every namespace of the container, lands in its pid namespace (not as PID 1), gets
// the container's root, credentials and capabilities, and dies with PID 1.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultExecutor, execInContainer, type RunningContainer, startContainer } from '@lc/nsinit';
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
  waitForOutput,
} from './harness.js';


async function runInside(dir: string, script: string) {
  const joined = await execInContainer({ dir, args: ['sh', '-c', script], stdio: ['ignore', 'pipe', 'pipe'] });
  const [stdout, stderr] = await Promise.all([readAll(joined.stdout), readAll(joined.stderr)]);
  return { ...(await joined.exited), stdout, stderr, pid: joined.pid };
}

const SAME_NAMESPACES =
  'for n in mnt uts ipc net pid user; do [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] && echo "$n same" || echo "$n differs"; done';

describe.skipIf(!isRoot || process.arch !== 'x64')(`joining a running container (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  let container: RunningContainer | undefined;

  async function startWaiting(config: Record<string, unknown> = {}) {
    dir = await makeContainerDir(config);
    chmodSync(dir, 0o755); // a remapped root must reach the rootfs
    container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'pipe'] });
    await waitForOutput(container.stdout!, 'ready');
  }

  beforeEach(() => {
    before = hostSnapshot();
  });
  afterEach(async () => {
    if (container) {
      container.stdin?.end('\n');
      await container.exited;
      container = undefined;
    }
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  it('enters every namespace of the container, inside its pid namespace but not as PID 1', async () => {
    await startWaiting();
    writeFileSync(join(dir, 'rootfs/tmp/only-in-the-rootfs'), 'x');
    const result = await runInside(dir, `echo $$; hostname; ls /tmp; ${SAME_NAMESPACES}`);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(Number(lines[0])).toBeGreaterThan(1);
    expect(lines.slice(1)).toEqual(['lc', 'only-in-the-rootfs', 'mnt same', 'uts same', 'ipc same', 'net same', 'pid same', 'user same']);
    expect(result.pid).not.toBe(container!.pid);
  });

  it('gets the capabilities and user of the container', async () => {
    await startWaiting({ capabilities: ['MKNOD', 'KILL'], user: 'nobody' });
    const result = await runInside(dir, 'id -un; grep -E "^Cap(Inh|Bnd|Amb)" /proc/self/status; grep ^CapBnd /proc/1/status');
    const [name, inheritable, bounding, ambient, pid1Bounding] = result.stdout.trim().split('\n');
    expect(name).toBe('nobody');
    expect(bounding).toBe('CapBnd:\t0000000008000020');
    // The kept list bounds; none is inheritable or ambient (CVE-2022-29162).
    expect([inheritable, ambient]).toEqual(['CapInh:\t0000000000000000', 'CapAmb:\t0000000000000000']);
    expect(pid1Bounding).toBe(bounding);
  });

  it("joins the container's cgroups and takes its environment, working directory, limits, no_new_privs and seccomp filter", async () => {
    const name = `c${Math.random().toString(36).slice(2, 8)}`;
    await startWaiting({
      cgroups: { name, parent: `lc-test-${process.pid}` },
      rlimits: [{ type: 'NOFILE', soft: 77, hard: 88 }],
      no_new_privileges: true,
      seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errno_ret: 13 }] },
      environment: ['PATH=/usr/bin:/bin', 'GREETING=hello from the config'],
      working_dir: '/tmp',
    });
    const script = `[ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] && echo same cgroups; grep -c "/${name}$" /proc/self/cgroup; echo "$GREETING"; pwd; grep "^Max open files" /proc/self/limits; grep NoNewPrivs /proc/self/status; grep ^Seccomp: /proc/self/status; mkdir /tmp/x 2>/dev/null || echo mkdir denied`;
    const [same, inContainerCgroups, greeting, cwd, files, noNewPrivs, seccomp, mkdir] = (await runInside(dir, script)).stdout.trim().split('\n');
    expect(same).toBe('same cgroups');
    expect(Number(inContainerCgroups)).toBeGreaterThan(0);
    expect([greeting, cwd]).toEqual(['hello from the config', '/tmp']);
    expect(files).toMatch(/^Max open files +77 +88 +files/);
    expect(noNewPrivs).toBe('NoNewPrivs:\t1');
    expect([seccomp, mkdir]).toEqual(['Seccomp:\t2', 'mkdir denied']);
  });

  it('dies with the container: PID 1 gone, the pid namespace is killed', async () => {
    await startWaiting();
    const joined = await execInContainer({ dir, args: ['sh', '-c', 'echo in; exec sleep 1000'], stdio: ['ignore', 'pipe', 'ignore'] });
    await waitForOutput(joined.stdout!, 'in');
    container!.kill('SIGKILL');
    expect(await joined.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' });
    await container!.exited;
    container = undefined;
  });

  // Starting a container in a user namespace needs the native executor.
  it.skipIf(defaultExecutor() !== 'native')('joins a container in a user namespace', async () => {
    await startWaiting({
      namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: true, NEWUSER: true },
      uid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
      gid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
    });
    const result = await runInside(dir, `id -u; cat /proc/self/uid_map; ${SAME_NAMESPACES}`);
    const lines = result.stdout.trim().split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
    expect(lines).toEqual(['0', '0 100000 65536', 'mnt same', 'uts same', 'ipc same', 'net same', 'pid same', 'user same']);
  });

  it('says so in one line when no container runs in the directory', async () => {
    dir = await makeContainerDir();
    await expect(execInContainer({ dir, args: ['true'] })).rejects.toThrow(`${dir}: no container is running there`);
  });
});
