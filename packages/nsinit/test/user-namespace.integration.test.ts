// Containers in a user namespace, on the real kernel: a remapped root (root's
// nsinit, container root = host uid 100000). Rootless containers are in
// apps/cli/test/rootless.integration.test.ts. Only the native executor can enter a
// user namespace; under LC_EXECUTOR=node the config is refused, and that is tested.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, defaultExecutor, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  removeAllContainerDirs,
  removeContainerDir,
  runScript,
} from './harness.js';

const HOST_ROOT = 100000;
const REMAPPED = {
  namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: true, NEWUSER: true },
  uid_mappings: [{ container_id: 0, host_id: HOST_ROOT, size: 65536 }],
  gid_mappings: [{ container_id: 0, host_id: HOST_ROOT, size: 65536 }],
};

/**
 * A container directory the remapped root can reach: the container's root is host uid
 * 100000, which needs search permission on every directory down to the rootfs.
 */
async function remappedDir(config: object): Promise<string> {
  const dir = await makeContainerDir(config as Record<string, unknown>);
  chmodSync(dir, 0o755);
  return dir;
}



describe.skipIf(!isRoot)(`containers in a user namespace (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;

  beforeEach(async () => {
    before = hostSnapshot();
    dir = await remappedDir(REMAPPED);
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);

  it.skipIf(defaultExecutor() !== 'node')('is refused by the node executor, naming the field', async () => {
    await expect(startContainer({ dir, args: ['true'] })).rejects.toThrow(
      new ConfigurationError('namespaces.NEWUSER', 'needs the native executor'),
    );
  });

  describe.skipIf(defaultExecutor() !== 'native')('native executor', () => {
    it('runs as the namespace root, mapped to the host ids of the config', async () => {
      const result = await runScript(
        dir,
        'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; echo $$; hostname; grep CapEff /proc/self/status; touch /tmp/made-inside',
      );
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      const lines = result.stdout.trim().split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
      expect(lines).toEqual(['0', '0', `0 ${HOST_ROOT} 65536`, `0 ${HOST_ROOT} 65536`, '1', 'lc', 'CapEff: 00000000a80425fb']);
      // What the container's root creates belongs to the mapped host id.
      const made = statSync(join(dir, 'rootfs/tmp/made-inside'));
      expect([made.uid, made.gid]).toEqual([HOST_ROOT, HOST_ROOT]);
    });

    it('binds the host device nodes (mknod is refused there) and gives devpts the mapped tty group', async () => {
      const result = await runScript(dir, 'echo hi > /dev/null && head -c 4 /dev/zero | wc -c; grep " /dev/pts " /proc/self/mountinfo');
      expect(result.exitCode, result.stderr).toBe(0);
      const [zeros, devpts] = result.stdout.trim().split('\n');
      expect(zeros).toBe('4');
      expect(devpts).toContain(`gid=${HOST_ROOT + 5}`);
    });

    it('is refused, with one line naming the field, when the kernel rejects the maps', async () => {
      // Two overlapping ranges: the kernel refuses the uid_map write (EINVAL).
      const overlapping = { ...REMAPPED, uid_mappings: [...REMAPPED.uid_mappings, { container_id: 10, host_id: 1, size: 1 }] };
      const bad = await remappedDir(overlapping);
      await expect(startContainer({ dir: bad, args: ['true'] })).rejects.toThrow(/^uid_mappings: write \/proc\/\d+\/uid_map: EINVAL$/);
      expect(readFileSync(join(bad, 'container.json'), 'utf8')).toContain('uid_mappings');
      expectNoLeaks(before, bad);
      await removeContainerDir(bad);
    });
  });
});
