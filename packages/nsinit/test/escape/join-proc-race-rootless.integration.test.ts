// The /proc race of join-proc-race.integration.test.ts in a rootless container: the
// attacker is root of a user namespace whose host uid is the very user that runs lc,
// and each joined process starts as that user on the host. The library runs as the
// test user, in-process, so the joins come as fast as for root.
import { fileURLToPath } from 'node:url';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { asSeenByUser, asUser, nativeExecutor, useRootlessContainers } from '../rootless-user.js';
import { procRaceAttacker } from './attacker.js';

const JOINS = 200;
const LIBRARY = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Starts the attacker as PID 1, joins `JOINS` times, and prints the attacker's verdict. */
const DRIVER = `
const [library, dir, attack, joins] = process.argv.slice(1);
const { execInContainer, startContainer } = await import(library);
const attacker = await startContainer({ dir, args: ['python3', '-c', attack], stdio: ['pipe', 'pipe', 'inherit'] });
let out = '';
attacker.stdout.setEncoding('utf8');
await new Promise((resolve) => attacker.stdout.on('data', (chunk) => { out += chunk; if (out.includes('ready')) resolve(); }));
for (let i = 0; i < Number(joins); i++) {
  const joined = await execInContainer({ dir, args: ['/usr/bin/true'], stdio: ['ignore', 'ignore', 'ignore'] });
  const end = await joined.exited;
  if (end.exitCode !== 0) throw new Error('join ' + i + ': ' + JSON.stringify(end));
}
attacker.stdin.end();
await attacker.exited;
process.stdout.write(out.trim().split('\\n').at(-1) + '\\n');
`;

describe.skipIf(!isRoot || !nativeExecutor)(`joining a rootless container under a /proc race (${needsRoot})`, () => {
  const rootless = useRootlessContainers();

  it(`${JOINS} joins: every open of a joining process fails until it runs its program`, () => {
    const result = asUser([process.execPath, '--input-type=module', '-e', DRIVER, asSeenByUser(LIBRARY), rootless.dir(), procRaceAttacker('/usr/bin/true'), String(JOINS)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const verdict = JSON.parse(result.stdout.trim()) as { seen: number; opened: number; escapes: string[] };
    expect(verdict.escapes).toEqual([]);
    expect(verdict.seen).toBeGreaterThan(JOINS / 2);
    expect(verdict.opened).toBeGreaterThan(0);
  });
});
