// Joining a running container must never hand the container a way to the host: a
// root process inside spins on the pid the next joined process gets and opens its
// /proc/<pid>/{mem,exe,cwd,root,fd/*} from the moment it exists (issue #10: with the
// old join, 4 of 5 first joins let it write into the memory of the host's Node).
import { chmodSync } from 'node:fs';
import { defaultExecutor, execInContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { readAll, readConfig, updateConfig, waitForOutput, withContainerDirs } from '../harness.js';
import { procRaceAttacker } from './attacker.js';

const JOINS = 200;

describe.skipIf(!isRoot || process.arch !== 'x64')(`joining under a /proc race (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  const variants: [string, () => Promise<Record<string, unknown>>][] = [
    ['the default namespaces', async () => ({})],
  ];
  // Only the native executor makes user namespaces (the node one refuses them).
  if (defaultExecutor() === 'native') {
    variants.push([
      'a user namespace',
      async () => {
        chmodSync(dir, 0o755); // the remapped root must reach its rootfs
        return {
          namespaces: { ...((await readConfig(dir)).namespaces as object), NEWUSER: true },
          uid_mappings: [{ container_id: 0, host_id: 200000, size: 65536 }],
          gid_mappings: [{ container_id: 0, host_id: 200000, size: 65536 }],
        };
      },
    ]);
  }

  for (const [name, overrides] of variants) {
    it(`${JOINS} joins with ${name}: every open of a joining process fails until it runs its program`, async () => {
      await updateConfig(dir, await overrides());
      const attacker = await startContainer({
        dir,
        args: ['python3', '-c', procRaceAttacker('/usr/bin/true')],
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const errors = readAll(attacker.stderr);
      await waitForOutput(attacker.stdout!, 'ready');
      const output = readAll(attacker.stdout);
      for (let i = 0; i < JOINS; i++) {
        const joined = await execInContainer({ dir, args: ['/usr/bin/true'], stdio: ['ignore', 'ignore', 'ignore'] });
        expect(await joined.exited).toEqual({ exitCode: 0, signal: null });
      }
      attacker.stdin!.end();
      expect(await attacker.exited).toEqual({ exitCode: 0, signal: null });
      expect(await errors).toBe('');
      const result = JSON.parse((await output).trim().split('\n').at(-1)!) as { seen: number; opened: number; escapes: string[] };
      expect(result.escapes).toEqual([]);
      // The attack ran: it caught most joined processes (one that comes and goes while
      // it looks at another is missed), and opened some once they ran their program.
      expect(result.seen).toBeGreaterThan(JOINS / 2);
      expect(result.opened).toBeGreaterThan(0);
    });
  }
});
