// Test support: a classic BPF interpreter for seccomp programs, as the kernel runs them.
export const X64 = 0xc000003e;
export const ALLOW = 0x7fff0000;
export const errno = (value: number) => (0x00050000 | value) >>> 0;

/** Runs a classic BPF seccomp program on one system call; throws on a jump out of it. */
export function run(program: Uint8Array, nr: number, arch = X64, args: readonly bigint[] = []): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const data = new DataView(new ArrayBuffer(64)); // struct seccomp_data
  data.setUint32(0, nr >>> 0, true);
  data.setUint32(4, arch, true);
  for (const [i, arg] of args.entries()) data.setBigUint64(16 + 8 * i, arg, true);
  let accumulator = 0;
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = view.getUint16(8 * pc, true);
    const jt = view.getUint8(8 * pc + 2);
    const jf = view.getUint8(8 * pc + 3);
    const k = view.getUint32(8 * pc + 4, true);
    if (code === 0x20) accumulator = data.getUint32(k, true);
    else if (code === 0x54) accumulator = (accumulator & k) >>> 0;
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x25) pc += accumulator > k ? jt : jf;
    else if (code === 0x35) pc += accumulator >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected instruction ${code.toString(16)} at ${pc}`);
  }
  throw new Error('the program ran off its end');
}
