import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { X64_EXECUTOR_CODE } from './x64-executor-code.js';

const build = fileURLToPath(new URL('../../native/build.mjs', import.meta.url));
const hasAssembler = spawnSync('as', ['--version']).status === 0 && spawnSync('objcopy', ['--version']).status === 0;

describe('the native executor bytes', () => {
  it.skipIf(!hasAssembler)('are what native/x86_64/executor.S assembles to', () => {
    expect(() => execFileSync(process.execPath, [build, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('start with the lc_launch entry (push r15; mov r15, rdi)', () => {
    expect([...Buffer.from(X64_EXECUTOR_CODE, 'base64').subarray(0, 5)]).toEqual([0x41, 0x57, 0x49, 0x89, 0xff]);
  });
});
