// Rootless containers: nsinit run by an unprivileged user, with a config that maps
// only that user's uid and gid (what `nsinit rootfs` writes for a non-root user). The
// test creates the user and removes it again.
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import {
  asUser,
  nativeExecutor,
  nsinitAsUser as nsinit,
  useRootlessContainers,
} from '../../../packages/nsinit/test/rootless-user.js';

describe.skipIf(!isRoot || !nativeExecutor)(`rootless containers (${needsRoot} to create the test user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('runs as root inside, mapped to the unprivileged user, as PID 1 with its own hostname and loopback', () => {
    const result = nsinit([
      '-r',
      rootless.dir(),
      'exec',
      'sh',
      '-c',
      'id -u; cat /proc/self/uid_map; echo $$; hostname; ip -br addr show lo; touch /tmp/mine; exit 7',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(7);
    const lines = result.stdout.trim().split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
    expect(lines.slice(0, 4)).toEqual(['0', `0 ${rootless.uid()} 1`, '1', 'lc']);
    expect(lines[4]).toMatch(/^lo UNKNOWN 127\.0\.0\.1\/8/);
    expect(existsSync(join(rootless.dir(), 'rootfs/tmp/mine'))).toBe(true);
    expect(readdirSync(rootless.dir()).sort()).toEqual(['container.json', 'rootfs']);
  });

  it('keeps the read-only root, binds and restrictions a rootful container has', () => {
    const file = join(rootless.dir(), 'container.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { mounts: object[] } & Record<string, unknown>;
    config.readonly_fs = true;
    config.context = { restrictions: '1' };
    config.mounts.push({ type: 'tmpfs', source: 'tmpfs', destination: '/tmp', writable: true });
    // A rootfs path made read-only in a user namespace: its locked flags are kept.
    config.readonly_paths = ['/etc'];
    writeFileSync(file, JSON.stringify(config));
    const { uid: owner, gid } = statSync(rootless.dir());
    chownSync(file, owner, gid);
    const result = nsinit([
      '-r',
      rootless.dir(),
      'exec',
      'sh',
      '-c',
      'touch /usr/x /x /etc/x 2>&1; touch /tmp/ok && echo tmp ok; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1; grep -c " /proc/sys ro," /proc/self/mountinfo',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((line) => line.includes('Read-only file system'))).toHaveLength(4);
    expect(lines).toContain('tmp ok');
    expect(lines.at(-1)).toBe('1');
  });

  it('gives a rootless interactive container its terminal (tty: true)', () => {
    const tty = `${rootless.dir()}-tty`;
    expect(nsinit(['rootfs', '--tty', tty]).code).toBe(0);
    try {
      // No terminal on this side: the pipes are relayed through the container's pty.
      const result = nsinit(['-r', tty, 'exec', 'sh', '-c', 'tty; stat -c "%a %u" /dev/console; [ -t 0 ] && echo tty in']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split('\r\n')).toEqual(['/dev/console', '600 0', 'tty in', '']);
    } finally {
      rmSync(tty, { recursive: true, force: true });
    }
  });

  it('fails with one line and exit 125 when the config maps ids the user does not own', () => {
    const config = join(rootless.dir(), 'container.json');
    const fixed = asUser(['sed', '-i', 's/"host_id": [0-9]*/"host_id": 0/', config]);
    expect(fixed.code).toBe(0);
    const result = nsinit(['-r', rootless.dir(), 'exec', 'true']);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^nsinit: uid_mappings: write \/proc\/\d+\/uid_map: EPERM \(unprivileged: map only your own uid and gid\)\n$/);
  });
});
