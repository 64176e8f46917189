// The example in the repository's README ("Using the library") runs as it stands: the
// code block is taken verbatim, written next to this package (so that `@lc/nsinit`
// resolves to it, by the package's own name), and run by node.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, hostSnapshot } from './harness.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
// Inside packages/nsinit: node resolves `@lc/nsinit` through the package's own exports.
const SCRIPT = fileURLToPath(new URL('./.readme-example.mjs', import.meta.url));

/** The one ```js block of the README's "## Using the library" section. */
function libraryExample(markdown: string): string {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Using the library\n'));
  const blocks = [...(section ?? '').matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  if (blocks.length !== 1) throw new Error(`README.md: expected one js block under "## Using the library", found ${blocks.length}`);
  return blocks[0]!;
}

describe.skipIf(!isRoot || process.arch !== 'x64')(`README example (${needsRoot}; exec needs x86-64)`, () => {
  it('runs as written and prints what its comments say', async () => {
    const before = hostSnapshot();
    await writeFile(SCRIPT, libraryExample(readFileSync(README, 'utf8')));
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT], { timeout: 20_000 });
      expect(stderr).toBe('');
      const lines = stdout.trim().split('\n');
      expect(lines).toEqual([
        '0 hello from PID 1 on lc',
        expect.stringMatching(/^PID \d+ inside, with sh as PID 1$/),
        '{ exitCode: 0, signal: null }',
        'PID 1 read bye',
        '{ exitCode: 0, signal: null }',
      ]);
      expect(Number(lines[1]!.split(' ')[1])).toBeGreaterThan(1);
    } finally {
      await rm(SCRIPT, { force: true });
    }
    expectNoLeaks(before);
  });
});
