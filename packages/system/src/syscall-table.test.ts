import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type SyscallName, syscallNumber, syscallTable } from './syscall-numbers.js';

const NAMES: SyscallName[] = ['read', 'write', 'openat', 'mount', 'pivot_root', 'execve', 'clone3', 'seccomp', 'prlimit64', 'setsid'];

describe('syscallTable', () => {
  it('agrees with the numbers plans use on x86-64', () => {
    const table = syscallTable('x64')!;
    for (const name of NAMES) expect(table[name], name).toBe(syscallNumber(name, 'x64'));
    expect(Object.keys(table).length).toBeGreaterThan(300);
  });

  it('has no aarch64 table yet', () => {
    expect(syscallTable('arm64')).toBeUndefined();
  });

  it('is what the kernel header says (when the header is installed)', () => {
    const script = fileURLToPath(new URL('../scripts/syscall-table.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
