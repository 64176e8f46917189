// Rootless containers: nsinit run by an unprivileged user, with a config that maps
// only that user's uid and gid (what `nsinit rootfs` writes for a non-root user). The
// test creates the user and removes it again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, expectNoLeaks, type HostSnapshot, hostSnapshot } from '../../../packages/nsinit/test/harness.js';

const USER = 'lc-rootless-test';
const native = (process.env.LC_EXECUTOR ?? (process.arch === 'x64' ? 'native' : 'node')) === 'native';

/** Runs nsinit as the test user, with a minimal environment. */
function asUser(args: readonly string[]) {
  const result = spawnSync('/usr/sbin/runuser', ['-u', USER, '--', process.execPath, CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}) },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function userReadsRepository(): boolean {
  return spawnSync('/usr/sbin/runuser', ['-u', USER, '--', 'test', '-r', CLI]).status === 0;
}

describe.skipIf(!isRoot || !native)(`rootless containers (${needsRoot} to create the test user; native executor)`, () => {
  let createdUser = false;
  let uid = 0;
  let before: HostSnapshot;
  let dir: string;

  beforeAll(() => {
    if (spawnSync('id', ['-u', USER]).status !== 0) {
      const made = spawnSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`useradd ${USER}: ${made.stderr.trim()}`);
      createdUser = true;
    }
    uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
    if (!userReadsRepository()) throw new Error(`${USER} cannot read ${CLI}: the checkout must be readable by other users`);
  });

  afterAll(() => {
    if (createdUser) spawnSync('userdel', [USER]);
  });

  beforeEach(() => {
    before = hostSnapshot();
    dir = join('/tmp', `lc-rootless-${process.pid}-${Date.now()}`);
    const made = asUser(['rootfs', dir]);
    expect(made.code, made.stderr).toBe(0);
  });

  afterEach(() => {
    expectNoLeaks(before, dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as root inside, mapped to the unprivileged user, as PID 1 with its own hostname and loopback', () => {
    const result = asUser([
      '-r',
      dir,
      'exec',
      'sh',
      '-c',
      'id -u; cat /proc/self/uid_map; echo $$; hostname; ip -br addr show lo; touch /tmp/mine; exit 7',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(7);
    const lines = result.stdout.trim().split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
    expect(lines.slice(0, 4)).toEqual(['0', `0 ${uid} 1`, '1', 'lc']);
    expect(lines[4]).toMatch(/^lo UNKNOWN 127\.0\.0\.1\/8/);
    expect(existsSync(join(dir, 'rootfs/tmp/mine'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
  });

  it('fails with one line and exit 125 when the config maps ids the user does not own', () => {
    const config = join(dir, 'container.json');
    const fixed = spawnSync('/usr/sbin/runuser', ['-u', USER, '--', 'sed', '-i', 's/"host_id": [0-9]*/"host_id": 0/', config]);
    expect(fixed.status).toBe(0);
    const result = asUser(['-r', dir, 'exec', 'true']);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^nsinit: uid_mappings: write \/proc\/\d+\/uid_map: EPERM \(unprivileged: map only your own uid and gid\)\n$/);
  });
});
