// The nsinit binary on a real kernel: exit codes, error lines, signals, the pid
// record and parent death, seen the way a user or a supervisor sees them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  isAlive,
  makeContainerDir,
  removeAllContainerDirs,
  removeContainerDir,
  runCli,
  type StartedCli,
  startCli,
  startTimeOf,
  updateConfig,
  waitForOutput,
  waitUntil,
} from '../../../packages/nsinit/test/harness.js';

const RUNTIME_ERROR = 125;

/** What a fresh container directory holds: anything else was created by nsinit. */
const PRISTINE = ['container.json', 'rootfs'];

/** Asserts nsinit failed by itself: exit 125 and exactly one line on stderr. */
function expectRuntimeError(result: { code: number | null; stdout: string; stderr: string }, line: string | RegExp): void {
  expect(result.code, result.stderr).toBe(RUNTIME_ERROR);
  const lines = result.stderr.split('\n');
  expect(lines, 'one line and its newline').toHaveLength(2);
  expect(lines[1]).toBe('');
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(result.stdout).toBe('');
}

describe.skipIf(!isRoot)(`nsinit exec on a real kernel (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  const running: StartedCli[] = [];

  function start(args: readonly string[]): StartedCli {
    const cli = startCli(dir, args);
    running.push(cli);
    return cli;
  }

  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir();
  });

  afterEach(async () => {
    // A failed assertion may leave an nsinit running: end it (its container follows).
    for (const cli of running.splice(0)) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      await cli.result;
    }
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });

  afterAll(removeAllContainerDirs);

  it('runs the command as PID 1 with the caller stdio and its exit code', async () => {
    const result = await runCli(dir, ['exec', 'sh', '-c', 'echo $$; hostname; read line; echo "got $line"; echo oops >&2; exit 3'], {
      input: 'from stdin\n',
    });
    expect(result).toEqual({ code: 3, signal: null, stdout: '1\nlc\ngot from stdin\n', stderr: 'oops\n' });
  });

  it('passes options of the container command through untouched', async () => {
    const result = await runCli(dir, ['exec', '--', 'ls', '-d', '--', '/proc']);
    expect(result).toMatchObject({ code: 0, stdout: '/proc\n' });
  });

  it('takes the container directory from $data_path', async () => {
    const result = await runCli(undefined, ['exec', 'hostname'], { env: { data_path: dir } });
    expect(result).toMatchObject({ code: 0, stdout: 'lc\n', stderr: '' });
  });

  it('exits 128 + N when signal N ends the container', async () => {
    const cli = start(['exec', 'sh', '-c', 'echo ready; exec sleep 1000']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    // From outside, as a supervisor would; PID 1 ignores it from inside its namespace.
    process.kill(pid, 'SIGKILL');
    expect((await cli.result).code).toBe(128 + 9);
  });

  it('forwards SIGTERM to the container', async () => {
    const cli = start(['exec', 'sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done']);
    await waitForOutput(cli.child.stdout!, 'ready');
    cli.child.kill('SIGTERM');
    expect(await cli.result).toMatchObject({ code: 42, signal: null, stderr: '' });
  });

  it('records pid and start while the container runs and removes them at exit', async () => {
    const cli = start(['exec', 'sh', '-c', 'echo ready; read line; exit 0']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    expect(pid).toBeGreaterThan(1);
    expect(readFileSync(join(dir, 'start'), 'utf8')).toBe(startTimeOf(pid));
    // The recorded process is the container's sh, a child of this nsinit.
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(new RegExp(`^${pid} \\(sh\\) \\S+ ${cli.child.pid} `));
    // A second nsinit in the same directory joins the running container (as 2014's
    // README promised): inside its pid namespace, not as PID 1; the record stays.
    const second = await runCli(dir, ['exec', 'sh', '-c', 'echo $$; hostname; exit 4']);
    expect(second.code, second.stderr).toBe(4);
    const [joinedPid, hostname] = second.stdout.trim().split('\n');
    expect(Number(joinedPid)).toBeGreaterThan(1);
    expect(hostname).toBe('lc');
    expect(readFileSync(join(dir, 'pid'), 'utf8')).toBe(String(pid));
    cli.child.stdin!.end('go\n');
    expect((await cli.result).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('pauses and resumes a container, and prints its cgroup stats', async () => {
    await updateConfig(dir, { cgroups: { name: `pause-${process.pid}`, parent: `lc-test-cli-${process.pid}`, pids_limit: 100 } });
    // A counter that advances as long as the container runs.
    const cli = start(['exec', 'sh', '-c', 'trap "exit 0" TERM; i=0; echo ready; while :; do i=$((i + 1)); echo $i > /tmp/count; done']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const count = () => {
      try {
        return Number(readFileSync(join(dir, 'rootfs/tmp/count'), 'utf8') || 0);
      } catch {
        return 0; // not written yet
      }
    };
    await waitUntil(() => count() > 0, 5000, 'the counter to start');
    expect((await runCli(dir, ['pause'])).code).toBe(0);
    const frozenAt = count();
    // Frozen: several reads apart, it has not moved (the kernel said FROZEN already).
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(count()).toBe(frozenAt);
    }
    const stats = await runCli(dir, ['stats']);
    expect(stats.code, stats.stderr).toBe(0);
    const parsed = JSON.parse(stats.stdout) as {
      freezer: string;
      pids: { current: number };
      cpu: { usageTotal: number };
      network: Record<string, { rxBytes: number; txBytes: number }>;
    };
    expect(Object.keys(parsed.network)).toEqual(['lo']); // its own network namespace
    expect(parsed.freezer).toBe('FROZEN');
    expect(parsed.pids.current).toBeGreaterThan(0);
    expect(parsed.cpu.usageTotal).toBeGreaterThan(0);
    expect((await runCli(dir, ['unpause'])).code).toBe(0);
    await waitUntil(() => count() > frozenAt, 5000, 'the counter to move again');
    // SIGTERM is forwarded; the container's trap ends it, and nsinit removes its cgroups.
    cli.child.kill('SIGTERM');
    expect((await cli.result).code).toBe(0);
  });

  it('says in one line that stats need a running container', async () => {
    expectRuntimeError(await runCli(dir, ['stats']), `nsinit: ${dir}: no container is running there`);
  });

  it('runs a container with a veth network on a bridge, and removes the host end after', async () => {
    const bridge = `lctc${process.pid % 100000}`;
    const ip = (...args: string[]) => {
      const result = spawnSync('ip', args, { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    };
    ip('link', 'add', bridge, 'type', 'bridge');
    try {
      ip('addr', 'add', '10.214.0.1/24', 'dev', bridge);
      ip('link', 'set', bridge, 'up');
      await updateConfig(dir, {
        networks: [{ type: 'loopback' }, { type: 'veth', context: { prefix: 'lctc', bridge }, address: '10.214.0.2/24', gateway: '10.214.0.1', mtu: 1450 }],
      });
      const result = await runCli(dir, ['exec', 'sh', '-c', 'cat /sys/class/net/eth0/mtu; ip -4 -o addr show dev eth0 | tr -s " " | cut -d" " -f4']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual(['1450', '10.214.0.2/24']);
      expect(readdirSync('/sys/class/net').filter((name) => name.startsWith('lctc') && name !== bridge)).toEqual([]);
    } finally {
      ip('link', 'del', bridge);
    }
  });

  it('kills the container when nsinit itself is killed; `delete` removes what it left', async () => {
    const cgroup = `c${Math.random().toString(36).slice(2, 8)}`;
    await updateConfig(dir, { cgroups: { name: cgroup, parent: `lc-test-${process.pid}` } });
    const cli = start(['exec', 'sh', '-c', 'echo ready; exec sleep 1000']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    expect(isAlive(pid)).toBe(true);
    cli.child.kill('SIGKILL');
    expect(await cli.result).toMatchObject({ code: null, signal: 'SIGKILL' });
    // The parent-death signal (SIGKILL) ends PID 1 and with it the namespace; it was
    // reparented, so nothing of ours reaps it: poll with a deadline.
    await waitUntil(() => !isAlive(pid), 5000, `container pid ${pid} to die`);
    // Nobody was left to remove the record and the cgroups: they stay (runningContainer
    // reads the record as none, since the pid is gone) until a start or a delete.
    expect(readdirSync(dir).sort()).toEqual(['cgroups', 'container.json', 'pid', 'rootfs', 'start']);
    const cgroupDirs = JSON.parse(readFileSync(join(dir, 'cgroups'), 'utf8')) as unknown;
    expect(JSON.stringify(cgroupDirs)).toContain(cgroup);
    expect(await runCli(dir, ['delete'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('lists the container\'s processes with their pids inside (ps), and says so in one line when none runs', async () => {
    expectRuntimeError(await runCli(dir, ['ps']), `nsinit: ${dir}: no container is running there`);
    const cli = start(['exec', 'sh', '-c', 'sleep 1000 & echo ready; read line']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const listed = JSON.parse((await runCli(dir, ['ps', '--json'])).stdout) as { pid: number; containerPid: number; command: string[] }[];
    // The node executor's init used pids for its threads before its exec: sleep's is not 2 there.
    expect(listed.map((p) => [p.containerPid === 1, p.command[0]])).toEqual([
      [true, 'sh'],
      [false, 'sleep'],
    ]);
    expect(listed[0]!.pid).toBe(Number(readFileSync(join(dir, 'pid'), 'utf8')));
    const table = (await runCli(dir, ['ps'])).stdout.trim().split('\n');
    expect(table[0]).toMatch(/^\s*PID\s+CPID\s+COMMAND$/);
    expect(table.slice(1).map((line) => line.trim().split(/\s+/).slice(1, 3))).toEqual([
      ['1', 'sh'],
      [String(listed[1]!.containerPid), 'sleep'],
    ]);
    cli.child.stdin!.end('\n');
    expect(await cli.result).toMatchObject({ code: 0 });
  });

  it('refuses to delete a running container in one line; --force kills it, then removes its record', async () => {
    const cli = start(['exec', 'sh', '-c', 'echo ready; exec sleep 1000']);
    await waitForOutput(cli.child.stdout!, 'ready');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    expectRuntimeError(await runCli(dir, ['delete']), `nsinit: ${dir}: a container is running there (pid ${pid}); --force kills it`);
    expect(isAlive(pid)).toBe(true);
    expect(await runCli(dir, ['delete', '--force'])).toMatchObject({ code: 0, stderr: '' });
    expect(await cli.result).toMatchObject({ code: 137 });
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('starts again over a stale record', async () => {
    writeFileSync(join(dir, 'pid'), '999999');
    writeFileSync(join(dir, 'start'), '1');
    const result = await runCli(dir, ['exec', 'true']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('starts a new container when the recorded pid is alive but another process (recycled)', async () => {
    // This test's own process: alive, but not started at the recorded time.
    writeFileSync(join(dir, 'pid'), String(process.pid));
    writeFileSync(join(dir, 'start'), '1');
    const result = await runCli(dir, ['exec', 'sh', '-c', 'echo $$']);
    expect(result).toMatchObject({ code: 0, stdout: '1\n', stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('refuses a host sysctl in one line, changing nothing', async () => {
    const panic = readFileSync('/proc/sys/kernel/panic', 'utf8');
    await updateConfig(dir, { sysctl: { 'kernel.panic': '7' } });
    expectRuntimeError(
      await runCli(dir, ['exec', 'true']),
      'nsinit: sysctl["kernel.panic"]: not a parameter of a namespace: writing it would change the host',
    );
    expect(readFileSync('/proc/sys/kernel/panic', 'utf8')).toBe(panic);
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('finds the program in the container PATH, and fails in one line for an unknown one', async () => {
    expect(await runCli(dir, ['exec', 'id', '-u'])).toMatchObject({ code: 0, stdout: '0\n' });
    expectRuntimeError(await runCli(dir, ['exec', 'nosuchcmd']), 'nsinit: exec nosuchcmd (searched PATH): ENOENT');
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('fails in one line naming chdir for a missing working directory', async () => {
    await updateConfig(dir, { working_dir: '/nope' });
    expectRuntimeError(await runCli(dir, ['exec', 'true']), 'nsinit: chdir /nope: ENOENT');
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it.each([
    ['malformed JSON', '{"hostname": ', /^nsinit: .*container\.json:\d+:\d+: unexpected end of JSON input$/],
    [
      'an unknown namespace',
      '{"namespaces": {"NEWNS": true, "NEWFOO": true}}',
      /^nsinit: .*container\.json: namespaces\.NEWFOO: unknown namespace/,
    ],
    ['an unknown capability', '{"capabilities": ["FLY"]}', /^nsinit: .*container\.json: capabilities\[0\]: unknown capability "FLY"$/],
  ])('rejects %s in one line and creates nothing', async (_, text, line) => {
    writeFileSync(join(dir, 'container.json'), text);
    expectRuntimeError(await runCli(dir, ['exec', 'true']), line);
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
  });

  it('fails in one line without a container.json', async () => {
    rmSync(join(dir, 'container.json'));
    expectRuntimeError(await runCli(dir, ['exec', 'true']), /^nsinit: .*container\.json: no such file/);
    expect(readdirSync(dir)).toEqual(['rootfs']);
  });

  it('prints the plan without creating anything', async () => {
    const result = await runCli(dir, ['plan', 'sh', '-c', 'echo hi']);
    expect(result.code, result.stderr).toBe(0);
    // First what the config leaves to lc's defaults (the devices cgroup is no plan step).
    expect(result.stdout).toMatch(/^# defaults container\.json leaves to lc:\n# mask_paths .*\n# readonly_paths .*\n# seccomp .*\n# cgroups +devices cgroup lc-.* \(made as root\): .*\n# capabilities .*\n +0 {2}\w/);
    expect(result.stdout).toContain('seccomp(1, 0, <seccomp filter "default": ');
    expect(result.stdout).toContain('pivot_root(".", ".")');
    // The rootfs opened by its host path once; /proc opened from its fd, mounted through that.
    expect(result.stdout).toContain(`openat(AT_FDCWD, "${join(dir, 'rootfs')}", O_DIRECTORY|O_CLOEXEC|O_PATH, 0)`);
    expect(result.stdout).toContain('fsopen("proc", FSOPEN_CLOEXEC) = $fs');
    expect(result.stdout).toContain('openat2($rootfs, "/proc", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target');
    // execvp's search: one execve per PATH entry, each falling through to the next.
    expect(result.stdout).toContain('execve("/usr/local/sbin/sh", ["sh", "-c", "echo hi"]');
    expect(result.stdout).toContain('execve("/usr/bin/sh"');
    expect(readdirSync(dir).sort()).toEqual(PRISTINE);
    // The plan's mkdirat targets (/dev/pts...) live in the tmpfs /dev: none on the host.
    expect(existsSync(join(dir, 'rootfs', 'dev', 'pts'))).toBe(false);
  });
});
