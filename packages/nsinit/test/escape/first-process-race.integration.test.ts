// A container's first process, while lc sets it up, is alone in its new pid namespace
// — but every process is visible in the host's, and an attacker's container may share
// that one (no NEWPID). It spins on the next host pid and opens
// /proc/<pid>/{mem,exe,cwd,root,fd/*} of every container being started: all must fail
// until the process runs its program.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultExecutor, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { readAll, readConfig, updateConfig, waitForOutput, withContainerDirs } from '../harness.js';
import { procRaceAttacker } from './attacker.js';

const STARTS = 60;

describe.skipIf(!isRoot)(`a first process under a /proc race from a container in the host's pid namespace (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  const variants: [string, Record<string, unknown>][] = [['the victim in a pid namespace of its own', {}]];
  if (defaultExecutor() === 'native') {
    variants.push(['the victim in a user namespace', { NEWUSER: true }]);
  }

  for (const [name, victimNamespaces] of variants) {
    it(`${STARTS} starts, ${name}`, async () => {
      const config = await readConfig(dir);
      const namespaces = config.namespaces as Record<string, boolean>;
      await updateConfig(dir, { namespaces: { ...namespaces, NEWPID: false } });
      // The victim: a second container directory on the same rootfs (the attacker's root
      // is the victim's root: opening that is no way out).
      const victim = await mkdtemp(join(tmpdir(), 'lc-victim-'));
      const victimConfig = {
        ...config,
        rootfs: join(dir, 'rootfs'),
        namespaces: Object.fromEntries(Object.entries({ ...namespaces, ...victimNamespaces }).filter(([, on]) => on)),
        ...(victimNamespaces.NEWUSER
          ? {
              uid_mappings: [{ container_id: 0, host_id: 200000, size: 65536 }],
              gid_mappings: [{ container_id: 0, host_id: 200000, size: 65536 }],
            }
          : {}),
      };
      // The remapped root must reach the rootfs.
      if (victimNamespaces.NEWUSER) await chmod(dir, 0o755);
      await writeFile(join(victim, 'container.json'), JSON.stringify(victimConfig));
      try {
        const attacker = await startContainer({ dir, args: ['python3', '-c', procRaceAttacker('/usr/bin/true')], stdio: ['pipe', 'pipe', 'pipe'] });
        const errors = readAll(attacker.stderr);
        await waitForOutput(attacker.stdout!, 'ready');
        const output = readAll(attacker.stdout);
        for (let i = 0; i < STARTS; i++) {
          const started = await startContainer({ dir: victim, args: ['/usr/bin/true'], stdio: ['ignore', 'ignore', 'ignore'] });
          expect(await started.exited).toEqual({ exitCode: 0, signal: null });
        }
        attacker.stdin!.end();
        expect(await attacker.exited).toEqual({ exitCode: 0, signal: null });
        expect(await errors).toBe('');
        const result = JSON.parse((await output).trim().split('\n').at(-1)!) as { seen: number; escapes: string[] };
        expect(result.escapes).toEqual([]);
        expect(result.seen).toBeGreaterThan(STARTS / 2);
        expect(await readFile(join(victim, 'container.json'), 'utf8')).toBe(JSON.stringify(victimConfig));
      } finally {
        await rm(victim, { recursive: true });
      }
    });
  }
});
