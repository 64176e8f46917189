import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_ADDRESS, executorImage } from './native-elf.js';

const code = Uint8Array.from([0x90, 0x90, 0x4c, 0x8b, 0x3d, 0, 0, 0, 0, 0x0f, 0x0b]);
const image = executorImage({
  code,
  resumeOffset: 2,
  contextAddress: 0x1000_0000_0040n,
  planAddress: 0x1000_0000_0000n,
  plan: Buffer.from('the plan'),
});
const hasReadelf = spawnSync('readelf', ['--version']).status === 0;

describe('the executor image', () => {
  it('is a static x86-64 executable entered at lc_resume', () => {
    expect([...image.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(image.readUInt16LE(16)).toBe(2); // ET_EXEC
    expect(image.readUInt16LE(18)).toBe(62); // EM_X86_64
    const codeOffset = 64 + 3 * 56 + 8;
    expect(image.readBigUInt64LE(24)).toBe(CODE_ADDRESS + BigInt(codeOffset + 2));
    expect([...image.subarray(codeOffset, codeOffset + code.length)]).toEqual([...code]);
    // The context's address sits right before the code, where lc_resume reads it.
    expect(image.readBigUInt64LE(codeOffset - 8)).toBe(0x1000_0000_0040n);
  });

  it('maps the plan copy, read-write, at the address it was laid out at', () => {
    expect(image.subarray(4096).toString()).toBe('the plan');
    const plan = 64 + 56; // the second program header
    expect(image.readUInt32LE(plan)).toBe(1); // PT_LOAD
    expect(image.readUInt32LE(plan + 4)).toBe(6); // PF_R | PF_W
    expect(image.readBigUInt64LE(plan + 8)).toBe(4096n);
    expect(image.readBigUInt64LE(plan + 16)).toBe(0x1000_0000_0000n);
  });

  it.skipIf(!hasReadelf)('reads as a well-formed ELF to readelf, with no executable stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-elf-'));
    try {
      writeFileSync(join(dir, 'image'), image);
      const headers = execFileSync('readelf', ['-W', '-l', join(dir, 'image')], { encoding: 'utf8' });
      expect(headers).toMatch(/LOAD\s+0x000000 0x0000000000400000 .* R E 0x1000/);
      expect(headers).toMatch(/LOAD\s+0x001000 0x0000100000000000 .* RW {2}0x1000/);
      expect(headers).toMatch(/GNU_STACK .* RW /);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a plan address that is not page-aligned', () => {
    expect(() => executorImage({ code, resumeOffset: 0, contextAddress: 0n, planAddress: 8n, plan: Buffer.alloc(1) })).toThrow('page-aligned');
  });
});
