// CVE-2021-30465 class: a container swaps a directory and a symlink in a volume it
// shares with another container (renameat2 RENAME_EXCHANGE, in a loop) while that
// other container starts, again and again. A runtime that resolved the mount targets
// when it built the plan and mounts by path string then follows the symlink — as host
// root, in the host's tree — and creates directories on the host or places the
// container's mounts outside its root.
//
// The victim is started rootful and, with the native executor, with a user namespace
// (remapped root), in turn. Asserted for every start: it fails with a one-line error naming a mount of the
// config, or it runs with both of its mounts below the volume visible inside its root
// (/proc/self/mountinfo shows only what is below the root). And after all of them: the
// host directory the symlink points at is exactly as it was, and the host has no
// mount, process, device or cgroup more than before.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultExecutor, type RunningContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  hostSnapshot,
  makeContainerDir,
  readConfig,
  removeAllContainerDirs,
  removeContainerDir,
  runScript,
  updateConfig,
  waitForOutput,
} from '../harness.js';

/** How long the victim is started again and again while the attacker swaps. */
const ATTACK_SECONDS = Number(process.env.LC_MOUNT_RACE_SECONDS ?? 30);

// The attacker: `a` (a directory) and `a-link` (a symlink to a host directory) trade
// places as fast as the kernel allows, until the test says stop.
const SWAPPER = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_renameat2 = {'x86_64': 316, 'aarch64': 276}[os.uname().machine]
AT_FDCWD, RENAME_EXCHANGE = -100, 2
os.chdir('/vol')
os.mkdir('a', 0o777)
os.chmod('a', 0o777)  # the remapped victim's root may create in it
os.symlink(sys.argv[1], 'a-link')
print('swapping', flush=True)
while True:
    libc.syscall(SYS_renameat2, AT_FDCWD, b'a', AT_FDCWD, b'a-link', RENAME_EXCHANGE)
`;

/** A victim in a user namespace: its root is host uid 100000. */
const REMAPPED = {
  namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: true, NEWUSER: true },
  uid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
  gid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
};

/** Every entry below `dir` with its type, sorted: what "unchanged" is checked against. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => `${entry} ${lstatSync(join(dir, entry)).isDirectory() ? 'dir' : 'other'}`)
    .sort();
}

describe.skipIf(!isRoot)(`mount targets swapped for symlinks while a container starts (${needsRoot})`, () => {
  afterAll(removeAllContainerDirs);

  it(
    `never mounts or creates outside the container (${ATTACK_SECONDS} s of starts against RENAME_EXCHANGE)`,
    async () => {
      const before = hostSnapshot();
      const base = await mkdtemp(join(realpathSync(tmpdir()), 'lc-race-'));
      const volume = join(base, 'volume');
      const sentinel = join(base, 'sentinel');
      const bindSource = join(base, `race-bind-source-${process.pid}`);
      for (const dir of [volume, join(sentinel, 'keep'), bindSource]) mkdirSync(dir, { recursive: true });
      chmodSync(base, 0o755);
      writeFileSync(join(sentinel, 'keep/file'), 'host\n');
      const sentinelBefore = tree(sentinel);

      const attackerDir = await makeContainerDir();
      // Only the native executor can make a user namespace.
      const victimDirs = [await makeContainerDir()];
      if (defaultExecutor() === 'native') victimDirs.push(await makeContainerDir(REMAPPED));
      let attacker: RunningContainer | undefined;
      try {
        const volumeMount = { type: 'bind', source: volume, destination: '/vol', writable: true };
        const attackerConfig = await readConfig(attackerDir);
        await updateConfig(attackerDir, { mounts: [...(attackerConfig.mounts as unknown[]), volumeMount] });
        writeFileSync(join(attackerDir, 'rootfs/swapper.py'), SWAPPER);
        let first = 0;
        for (const victimDir of victimDirs) {
          chmodSync(victimDir, 0o755); // the remapped root must reach its rootfs
          mkdirSync(join(victimDir, 'rootfs/vol')); // and cannot create in it
          const victimConfig = await readConfig(victimDir);
          await updateConfig(victimDir, {
            mounts: [
              ...(victimConfig.mounts as unknown[]),
              volumeMount,
              { type: 'tmpfs', source: 'race-tmpfs', destination: '/vol/a/t' },
              { type: 'bind', source: bindSource, destination: '/vol/a/t/b' },
            ],
          });
          first = (victimConfig.mounts as unknown[]).length + 1;
        }

        attacker = await startContainer({
          dir: attackerDir,
          args: ['sh', '-c', `python3 /swapper.py ${sentinel} & read line; kill $!`],
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        await waitForOutput(attacker.stdout!, 'swapping');

        let started = 0;
        let attempts = 0;
        const failures = new Map<string, number>();
        const deadline = Date.now() + ATTACK_SECONDS * 1000;
        while (Date.now() < deadline) {
          let result: Awaited<ReturnType<typeof runScript>>;
          try {
            result = await runScript(victimDirs[attempts++ % victimDirs.length]!, 'cat /proc/self/mountinfo');
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            expect(message).not.toContain('\n');
            // The error names the mount whose target was not what the plan expected.
            expect(message).toMatch(new RegExp(`^mounts\\[(${first}|${first + 1})\\]\\S*: `));
            const kind = message.replace(/\/[^:]*/g, '<path>');
            failures.set(kind, (failures.get(kind) ?? 0) + 1);
            continue;
          }
          expect(result.exitCode, result.stderr).toBe(0);
          const mounts = result.stdout.split('\n').filter(Boolean).map((line) => line.split(' '));
          // Both mounts below the volume are inside the root (mountinfo leaves out the rest).
          expect(mounts.some((fields) => fields[fields.indexOf('-') + 2] === 'race-tmpfs'), result.stdout).toBe(true);
          expect(mounts.some((fields) => fields[3]?.endsWith(`/race-bind-source-${process.pid}`)), result.stdout).toBe(true);
          started++;
        }
        // Both outcomes are expected under the race; what matters is that every start was checked.
        expect(attempts).toBeGreaterThan(ATTACK_SECONDS);
        console.log(`mount race: ${attempts} starts, ${started} ran with their mounts inside; failed: ${JSON.stringify(Object.fromEntries(failures))}`);
      } finally {
        if (attacker) {
          attacker.stdin!.end('\n');
          await attacker.exited;
        }
      }
      // The host directory the symlink pointed at: nothing created there, nothing mounted.
      expect(tree(sentinel)).toEqual(sentinelBefore);
      expectNoLeaks(before);
      for (const dir of [attackerDir, ...victimDirs]) await removeContainerDir(dir);
      await rm(base, { recursive: true, force: true });
    },
    (ATTACK_SECONDS + 60) * 1000,
  );
});

// The same swap, made deterministic: a prestart hook runs after the plan was built and
// before its mount steps, and replaces a directory of the rootfs with a symlink to a
// host directory.
describe.skipIf(!isRoot)(`a mount target swapped for a symlink after the plan was built (${needsRoot})`, () => {
  afterAll(removeAllContainerDirs);

  async function swapped(insideToo: boolean) {
    const before = hostSnapshot();
    const base = await mkdtemp(join(realpathSync(tmpdir()), 'lc-swap-'));
    const sentinel = join(base, 'sentinel');
    mkdirSync(join(sentinel, 'keep'), { recursive: true });
    const sentinelBefore = tree(sentinel);
    const dir = await makeContainerDir();
    mkdirSync(join(dir, 'rootfs/data'));
    // The same path inside the rootfs: where the symlink leads when resolved in the root.
    if (insideToo) mkdirSync(join(dir, 'rootfs', sentinel), { recursive: true });
    const config = await readConfig(dir);
    const index = (config.mounts as unknown[]).length;
    await updateConfig(dir, {
      mounts: [...(config.mounts as unknown[]), { type: 'tmpfs', source: 'swap-tmpfs', destination: '/data/sub' }],
      hooks: { prestart: [{ path: '/bin/sh', args: ['sh', '-c', `rm -r ${dir}/rootfs/data && ln -s ${sentinel} ${dir}/rootfs/data`] }] },
    });
    const outcome = await runScript(dir, 'cat /proc/self/mountinfo').then(
      (result) => ({ result }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
    // Nothing was created or mounted in the host directory the symlink names.
    expect(tree(sentinel)).toEqual(sentinelBefore);
    expectNoLeaks(before);
    await removeContainerDir(dir);
    await rm(base, { recursive: true, force: true });
    return { outcome, index, sentinel };
  }

  it('fails in one line naming the mount when the symlink leads nowhere inside the root', async () => {
    const { outcome, index } = await swapped(false);
    expect(outcome).toEqual({ error: `mounts[${index}].destination: open /data: ENOENT` });
  });

  it('mounts inside the root where the symlink leads when resolved there', async () => {
    const { outcome, sentinel } = await swapped(true);
    expect('result' in outcome && outcome.result.exitCode).toBe(0);
    const mountinfo = 'result' in outcome ? outcome.result.stdout : '';
    expect(mountinfo).toMatch(new RegExp(` ${sentinel}/sub rw,nosuid,nodev[^ ]* - tmpfs swap-tmpfs `));
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('swap-tmpfs');
  });
});
