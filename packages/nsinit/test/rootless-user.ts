// Rootless containers under test: an unprivileged user the suite creates (and removes
// again) runs the built nsinit CLI, with a config that maps only that user's uid and
// gid (what `nsinit rootfs` writes for a non-root user). Rootless needs a user
// namespace, so only the native executor runs it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { CLI, expectNoLeaks, type HostSnapshot, hostSnapshot } from './harness.js';

const USER = 'lc-rootless-test';

/** Whether this run's executor can make a user namespace. */
export const nativeExecutor = (process.env.LC_EXECUTOR ?? (process.arch === 'x64' ? 'native' : 'node')) === 'native';

/** The checkout, and where the test user sees it (see asUser). */
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));
const MIRROR = `/tmp/lc-rootless-checkout-${process.pid}`;

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` as the test user. The checkout may sit below a directory only root
 * can enter (a clone in a mkdtemp folder): the user sees it bound at MIRROR, in a
 * mount namespace of its own, so the host's mounts stay as they are.
 */
export function asUser(command: readonly string[]): Result {
  const script = 'mount --bind "$1" "$2" && shift 2 && exec /usr/sbin/runuser -u "$@"';
  const result = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', REPOSITORY, MIRROR, USER, '--', ...command],
    {
      encoding: 'utf8',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}) },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A path of the checkout as the test user sees it (asUser). */
export function asSeenByUser(path: string): string {
  return join(MIRROR, relative(REPOSITORY, path));
}

/** nsinit as the test user. */
export function nsinitAsUser(args: readonly string[]): Result {
  return asUser([process.execPath, join(MIRROR, relative(REPOSITORY, CLI)), ...args]);
}

/**
 * Creates the test user for the suite (beforeAll) and removes it after (afterAll);
 * `uid()` is its uid once made.
 */
export function useRootlessUser(): { uid: () => number } {
  let createdUser = false;
  let uid = 0;
  beforeAll(() => {
    if (spawnSync('id', ['-u', USER]).status !== 0) {
      const made = spawnSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`useradd ${USER}: ${made.stderr.trim()}`);
      createdUser = true;
    }
    uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
    mkdirSync(MIRROR, { mode: 0o755 });
    const check = asUser(['test', '-r', join(MIRROR, relative(REPOSITORY, CLI))]);
    if (check.code !== 0) throw new Error(`${USER} cannot read the checkout through ${MIRROR}: ${check.stderr.trim()}`);
  });
  afterAll(() => {
    rmdirSync(MIRROR);
    if (createdUser) spawnSync('userdel', [USER]);
  });
  return { uid: () => uid };
}

/**
 * A container directory the test user makes (`nsinit rootfs`, so a rootless config)
 * before each test, handed to `use`; after it, the leak check and its removal.
 */
export function withRootlessContainerDirs(use: (dir: string) => void): void {
  let before: HostSnapshot;
  let dir: string;
  beforeEach(() => {
    before = hostSnapshot();
    dir = join('/tmp', `lc-rootless-${process.pid}-${Date.now()}`);
    const made = nsinitAsUser(['rootfs', dir]);
    if (made.code !== 0) throw new Error(`nsinit rootfs ${dir} as ${USER}: ${made.stderr.trim()}`);
    use(dir);
  });
  afterEach(() => {
    expectNoLeaks(before, dir);
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Runs `args` as a new container of `dir`, nsinit run by the test user. */
export function runAsUser(dir: string, args: readonly string[]): { exitCode: number | null; signal: null; stdout: string; stderr: string } {
  const { code, stdout, stderr } = nsinitAsUser(['-r', dir, 'exec', ...args]);
  return { exitCode: code, signal: null, stdout, stderr };
}

/** The usual frame of a rootless suite: the test user, and a container directory of its own per test. */
export function useRootlessContainers(): { dir: () => string; uid: () => number } {
  const user = useRootlessUser();
  let dir = '';
  withRootlessContainerDirs((made) => {
    dir = made;
  });
  return { dir: () => dir, uid: user.uid };
}
