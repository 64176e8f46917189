// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
// attached to the cgroup: the kernel runs it on every open, mknod of a device node and
// returns EPERM when it returns 0. This file writes that program from the same rules
// the v1 devices files take (the approach of crun's ebpf.c and runc's devicefilter):
// the rules are tested last to first, the first that matches returns its verdict.
import { type DeviceRequest, type DeviceRule, isReset, normalizeAccess } from './devices.js';

// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
const CTX_ACCESS_TYPE = 0;
const CTX_MAJOR = 4;
const CTX_MINOR = 8;
const CTX_SIZE = 12;

// access_type: the device type in the low 16 bits, the access in the high 16.
export const BPF_DEVCG_DEV_BLOCK = 1;
export const BPF_DEVCG_DEV_CHAR = 2;
export const BPF_DEVCG_ACC_MKNOD = 1;
export const BPF_DEVCG_ACC_READ = 2;
export const BPF_DEVCG_ACC_WRITE = 4;

// Opcodes (class | op | source) of the few instructions the program needs.
const OP = {
  ldxw: 0x61, // BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off)
  mov64Imm: 0xb7, // BPF_ALU64 | BPF_MOV | BPF_K
  mov32Reg: 0xbc, // BPF_ALU | BPF_MOV | BPF_X
  and32Imm: 0x54, // BPF_ALU | BPF_AND | BPF_K
  rsh32Imm: 0x74, // BPF_ALU | BPF_RSH | BPF_K
  jeqImm: 0x15, // BPF_JMP | BPF_JEQ | BPF_K
  jneImm: 0x55, // BPF_JMP | BPF_JNE | BPF_K
  jneReg: 0x5d, // BPF_JMP | BPF_JNE | BPF_X
  exit: 0x95, // BPF_JMP | BPF_EXIT
} as const;

export const INSTRUCTION_SIZE = 8;

export interface Instruction {
  readonly code: number;
  readonly dst: number;
  readonly src: number;
  /** Signed 16-bit: memory offset, or jump distance counted from the next instruction. */
  readonly off: number;
  /** Signed 32-bit immediate. */
  readonly imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Instruction => ({ code, dst, src, off, imm });

/** Instruction builders, named like the kernel's BPF_* macros. */
export const ins = {
  ldxw: (dst: number, src: number, off: number) => insn(OP.ldxw, dst, src, off, 0),
  mov64Imm: (dst: number, imm: number) => insn(OP.mov64Imm, dst, 0, 0, imm),
  mov32Reg: (dst: number, src: number) => insn(OP.mov32Reg, dst, src, 0, 0),
  and32Imm: (dst: number, imm: number) => insn(OP.and32Imm, dst, 0, 0, imm),
  rsh32Imm: (dst: number, imm: number) => insn(OP.rsh32Imm, dst, 0, 0, imm),
  jeqImm: (dst: number, imm: number, off: number) => insn(OP.jeqImm, dst, 0, off, imm),
  jneImm: (dst: number, imm: number, off: number) => insn(OP.jneImm, dst, 0, off, imm),
  jneReg: (dst: number, src: number, off: number) => insn(OP.jneReg, dst, src, off, 0),
  exit: () => insn(OP.exit, 0, 0, 0, 0),
};

// Registers: r1 holds the context on entry, r0 the return value.
const R0 = 0;
const R1 = 1;
const TYPE = 2;
const ACCESS = 3;
const MAJOR = 4;
const MINOR = 5;

/**
 * The program for `rules` (see `deviceVerdict` for their meaning), as raw little-endian
 * 8-byte instructions for BPF_PROG_LOAD.
 */
export function deviceProgram(rules: readonly DeviceRule[]): Uint8Array {
  return encodeInstructions(deviceInstructions(rules));
}

export function deviceInstructions(rules: readonly DeviceRule[]): Instruction[] {
  // Only the rules after the last reset can decide; the reset sets the fallback verdict.
  let start = 0;
  let fallback = true;
  rules.forEach((rule, index) => {
    if (isReset(rule)) {
      start = index + 1;
      fallback = rule.allow;
    }
  });
  const program: Instruction[] = [
    ins.ldxw(TYPE, R1, CTX_ACCESS_TYPE),
    ins.and32Imm(TYPE, 0xffff),
    ins.ldxw(ACCESS, R1, CTX_ACCESS_TYPE),
    ins.rsh32Imm(ACCESS, 16),
    ins.ldxw(MAJOR, R1, CTX_MAJOR),
    ins.ldxw(MINOR, R1, CTX_MINOR),
  ];
  // Last match wins, so test the rules from the last to the first.
  for (const rule of rules.slice(start).reverse()) program.push(...ruleBlock(rule));
  program.push(ins.mov64Imm(R0, fallback ? 1 : 0), ins.exit());
  return program;
}

/** Tests that end in a jump past the block; the block ends by returning the rule's verdict. */
function ruleBlock(rule: DeviceRule): Instruction[] {
  const tests: ((skip: number) => Instruction[])[] = [];
  if (rule.type !== 'a') {
    const type = rule.type === 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
    tests.push((skip) => [ins.jneImm(TYPE, type, skip)]);
  }
  const access = accessBits(normalizeAccess(rule.access));
  const all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  if (rule.allow && access !== all) {
    // An allow must grant every requested access: skip when (requested & rule) != requested.
    tests.push((skip) => [ins.mov32Reg(R1, ACCESS), ins.and32Imm(R1, access), ins.jneReg(R1, ACCESS, skip)]);
  } else if (!rule.allow && access !== all) {
    // A deny refuses the request when it refuses any part of it: skip when nothing overlaps.
    tests.push((skip) => [ins.mov32Reg(R1, ACCESS), ins.and32Imm(R1, access), ins.jeqImm(R1, 0, skip)]);
  }
  if (rule.major !== '*') {
    const major = rule.major;
    tests.push((skip) => [ins.jneImm(MAJOR, major, skip)]);
  }
  if (rule.minor !== '*') {
    const minor = rule.minor;
    tests.push((skip) => [ins.jneImm(MINOR, minor, skip)]);
  }
  // Lay the tests out once with a dummy distance to learn their length, then for real:
  // every jump lands just past the block's closing `r0 = verdict; exit`.
  const length = tests.reduce((n, test) => n + test(0).length, 0) + 2;
  const block: Instruction[] = [];
  for (const test of tests) {
    const emitted = test(0);
    const jumpAt = block.length + emitted.length - 1;
    block.push(...test(length - jumpAt - 1));
  }
  block.push(ins.mov64Imm(R0, rule.allow ? 1 : 0), ins.exit());
  return block;
}

function accessBits(access: string): number {
  return (
    (access.includes('m') ? BPF_DEVCG_ACC_MKNOD : 0) |
    (access.includes('r') ? BPF_DEVCG_ACC_READ : 0) |
    (access.includes('w') ? BPF_DEVCG_ACC_WRITE : 0)
  );
}

/** struct bpf_insn: u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm (little-endian). */
export function encodeInstructions(program: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(program.length * INSTRUCTION_SIZE);
  const view = new DataView(bytes.buffer);
  program.forEach((i, index) => {
    const at = index * INSTRUCTION_SIZE;
    view.setUint8(at, i.code);
    view.setUint8(at + 1, (i.src << 4) | i.dst);
    view.setInt16(at + 2, i.off, true);
    view.setInt32(at + 4, i.imm, true);
  });
  return bytes;
}

export function decodeInstructions(bytes: Uint8Array): Instruction[] {
  if (bytes.length % INSTRUCTION_SIZE !== 0) throw new Error(`device program: ${bytes.length} bytes is not whole instructions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const program: Instruction[] = [];
  for (let at = 0; at < bytes.length; at += INSTRUCTION_SIZE) {
    const regs = view.getUint8(at + 1);
    program.push(insn(view.getUint8(at), regs & 0xf, regs >> 4, view.getInt16(at + 2, true), view.getInt32(at + 4, true)));
  }
  return program;
}

/** One instruction in the kernel verifier's notation (`r2 &= 65535`, `if r4 != 1 goto +3`). */
export function disassemble(i: Instruction): string {
  const off = i.off >= 0 ? `+${i.off}` : `${i.off}`;
  switch (i.code) {
    case OP.ldxw:
      return `r${i.dst} = *(u32 *)(r${i.src} ${off})`;
    case OP.mov64Imm:
      return `r${i.dst} = ${i.imm}`;
    case OP.mov32Reg:
      return `w${i.dst} = w${i.src}`;
    case OP.and32Imm:
      return `w${i.dst} &= ${i.imm}`;
    case OP.rsh32Imm:
      return `w${i.dst} >>= ${i.imm}`;
    case OP.jeqImm:
      return `if r${i.dst} == ${i.imm} goto ${off}`;
    case OP.jneImm:
      return `if r${i.dst} != ${i.imm} goto ${off}`;
    case OP.jneReg:
      return `if r${i.dst} != r${i.src} goto ${off}`;
    case OP.exit:
      return 'exit';
    default:
      return `unknown opcode 0x${i.code.toString(16)}`;
  }
}

const U32 = 0xffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;

/**
 * Runs a device program the way the kernel would for one access, for tests: an
 * interpreter of exactly the instructions `deviceProgram` emits (anything else throws).
 */
export function evaluateDeviceProgram(program: Uint8Array, request: DeviceRequest): 0 | 1 {
  const code = decodeInstructions(program);
  const ctx = new DataView(new ArrayBuffer(CTX_SIZE));
  const deviceType = request.type === 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
  ctx.setUint32(CTX_ACCESS_TYPE, (accessBits(request.access) << 16) | deviceType, true);
  ctx.setUint32(CTX_MAJOR, request.major, true);
  ctx.setUint32(CTX_MINOR, request.minor, true);

  // r1 starts as the context pointer: the only register a load may use as its base.
  const regs: (bigint | 'ctx' | undefined)[] = new Array(11).fill(undefined);
  regs[R1] = 'ctx';
  const scalar = (r: number): bigint => {
    const value = regs[r];
    if (typeof value !== 'bigint') throw new Error(`device program: r${r} read before it holds a number`);
    return value;
  };
  const signed = (imm: number): bigint => BigInt.asUintN(64, BigInt(imm));

  for (let pc = 0, steps = 0; pc < code.length; pc++, steps++) {
    // The verifier refuses backward jumps in these programs; this guard only catches bugs.
    if (steps > code.length) throw new Error('device program: loops');
    const i = code[pc] as Instruction;
    switch (i.code) {
      case OP.ldxw: {
        if (regs[i.src] !== 'ctx' || i.off < 0 || i.off + 4 > CTX_SIZE || i.off % 4 !== 0) {
          throw new Error(`device program: bad load at ${pc}: ${disassemble(i)}`);
        }
        regs[i.dst] = BigInt(ctx.getUint32(i.off, true));
        break;
      }
      case OP.mov64Imm:
        regs[i.dst] = signed(i.imm) & U64;
        break;
      case OP.mov32Reg:
        regs[i.dst] = scalar(i.src) & U32;
        break;
      case OP.and32Imm:
        regs[i.dst] = scalar(i.dst) & BigInt.asUintN(32, BigInt(i.imm));
        break;
      case OP.rsh32Imm:
        regs[i.dst] = (scalar(i.dst) & U32) >> BigInt(i.imm);
        break;
      case OP.jeqImm:
        if (scalar(i.dst) === signed(i.imm)) pc += i.off;
        break;
      case OP.jneImm:
        if (scalar(i.dst) !== signed(i.imm)) pc += i.off;
        break;
      case OP.jneReg:
        if (scalar(i.dst) !== scalar(i.src)) pc += i.off;
        break;
      case OP.exit: {
        const result = scalar(R0);
        if (result !== 0n && result !== 1n) throw new Error(`device program: returns ${result}`);
        return result === 1n ? 1 : 0;
      }
      default:
        throw new Error(`device program: ${disassemble(i)} at ${pc}`);
    }
    if (i.off < 0 && i.code !== OP.ldxw) throw new Error(`device program: backward jump at ${pc}`);
  }
  throw new Error('device program: runs off its end');
}
