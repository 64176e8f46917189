// A seccomp filter as classic BPF: the program the kernel runs on each system call of
// the container's processes, over struct seccomp_data { int nr; u32 arch; u64 ip;
// u64 args[6] }. Flat, as libseccomp makes it: check the ABI, then a short block per
// rule, then the default action. Jumps stay inside a block, far below the 255 a BPF
// jump can hold.
import type { SeccompAction, SeccompArg } from '@lc/config-types';
import { type Arch, errnoNumber } from '@lc/system';

const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_JMP_JGE_K = 0x35;
const BPF_JMP_JGT_K = 0x25;
const BPF_ALU_AND_K = 0x54;
const BPF_RET_K = 0x06;

const SECCOMP_DATA_NR = 0;
const SECCOMP_DATA_ARCH = 4;
const SECCOMP_DATA_ARGS = 16;

/** <linux/audit.h>: the ABI a system call came in by. */
const AUDIT_ARCH: Record<Arch, number> = { x64: 0xc000003e, arm64: 0xc00000b7 };
/** x32 system calls reach an x86-64 kernel with this bit set in nr, under the same arch. */
const X32_SYSCALL_BIT = 0x40000000;

/** <linux/seccomp.h> return values. */
export function actionValue(action: SeccompAction): number {
  switch (action.type) {
    case 'SCMP_ACT_KILL':
      return 0x00000000; // SECCOMP_RET_KILL_THREAD
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_ERRNO':
      return 0x00050000 | (action.errno ?? errnoNumber('EPERM')); // EPERM unless told
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
  }
}

/** One condition on an argument, as unsigned 64-bit numbers (libseccomp's operators). */
export interface FilterCondition {
  readonly index: number;
  readonly op: SeccompArg['op'];
  readonly value: bigint;
  /** SCMP_CMP_MASKED_EQ: (argument & value) == valueTwo. */
  readonly valueTwo?: bigint;
}

export interface FilterRule {
  readonly nr: number;
  readonly action: number;
  /** All must hold for the action; none: the system call alone decides. */
  readonly conditions: readonly FilterCondition[];
}

/** An instruction whose jump may name the end of its rule's block instead of an offset. */
type Instruction = [code: number, k: number, jt: number | typeof FAIL, jf: number | typeof FAIL];
const FAIL = 'fail';

/**
 * The program: system calls of another ABI (i386's int 0x80 on x86-64, or x32) get
 * ENOSYS — the rules' numbers would not apply to theirs, and letting them through would
 * bypass them; then one block per rule, the first whose system call and conditions
 * match returning its action; then the default. A block reloads nr (conditions load
 * arguments) and every failed check jumps to the block's end, so no jump is long.
 */
export function seccompProgram(arch: Arch, rules: readonly FilterRule[], defaultAction: number): Uint8Array {
  const program: [number, number, number, number][] = [];
  const emit = (block: readonly Instruction[]) => {
    block.forEach(([code, k, jt, jf], i) => {
      const resolve = (jump: number | typeof FAIL) => (jump === FAIL ? block.length - (i + 1) : jump);
      program.push([code, resolve(jt), resolve(jf), k >>> 0]);
    });
  };
  const refuse = actionValue({ type: 'SCMP_ACT_ERRNO', errno: errnoNumber('ENOSYS') });
  emit([
    [BPF_LD_W_ABS, SECCOMP_DATA_ARCH, 0, 0],
    [BPF_JMP_JEQ_K, AUDIT_ARCH[arch], 1, 0],
    [BPF_RET_K, refuse, 0, 0],
  ]);
  if (arch === 'x64') {
    emit([
      [BPF_LD_W_ABS, SECCOMP_DATA_NR, 0, 0],
      [BPF_JMP_JGE_K, X32_SYSCALL_BIT, 0, 1],
      [BPF_RET_K, refuse, 0, 0],
    ]);
  }
  for (const rule of rules) {
    emit([
      [BPF_LD_W_ABS, SECCOMP_DATA_NR, 0, 0],
      [BPF_JMP_JEQ_K, rule.nr, 0, FAIL],
      ...rule.conditions.flatMap(conditionCheck),
      [BPF_RET_K, rule.action, 0, 0],
    ]);
  }
  emit([[BPF_RET_K, defaultAction, 0, 0]]);
  const bytes = new Uint8Array(8 * program.length);
  const view = new DataView(bytes.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    if (jt > 255 || jf > 255) throw new Error('a seccomp rule is too long for a BPF jump');
    view.setUint16(8 * i, code, true);
    view.setUint8(8 * i + 2, jt);
    view.setUint8(8 * i + 3, jf);
    view.setUint32(8 * i + 4, k, true);
  });
  return bytes;
}

/**
 * A 64-bit comparison in 32-bit BPF: the high words decide unless equal, then the low
 * ones. Falls through when the condition holds, jumps to the block's end when not.
 */
function conditionCheck(condition: FilterCondition): Instruction[] {
  const low = SECCOMP_DATA_ARGS + 8 * condition.index; // little-endian: the low word first
  const high = low + 4;
  const split = (value: bigint) => [Number(value >> 32n), Number(value & 0xffffffffn)] as const;
  const [vHigh, vLow] = split(condition.value);
  const loadHigh: Instruction = [BPF_LD_W_ABS, high, 0, 0];
  const loadLow: Instruction = [BPF_LD_W_ABS, low, 0, 0];
  switch (condition.op) {
    case 'SCMP_CMP_EQ':
      return [loadHigh, [BPF_JMP_JEQ_K, vHigh, 0, FAIL], loadLow, [BPF_JMP_JEQ_K, vLow, 0, FAIL]];
    case 'SCMP_CMP_NE':
      // High words differ: it holds (skip the low check); else the low words decide.
      return [loadHigh, [BPF_JMP_JEQ_K, vHigh, 0, 2], loadLow, [BPF_JMP_JEQ_K, vLow, FAIL, 0]];
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const lowCheck = condition.op === 'SCMP_CMP_GT' ? BPF_JMP_JGT_K : BPF_JMP_JGE_K;
      return [loadHigh, [BPF_JMP_JGT_K, vHigh, 3, 0], [BPF_JMP_JEQ_K, vHigh, 0, FAIL], loadLow, [lowCheck, vLow, 0, FAIL]];
    }
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // JGE/JGT with the branches swapped: "not above" is "below or equal".
      const lowCheck = condition.op === 'SCMP_CMP_LT' ? BPF_JMP_JGE_K : BPF_JMP_JGT_K;
      return [loadHigh, [BPF_JMP_JGE_K, vHigh, 0, 3], [BPF_JMP_JEQ_K, vHigh, 0, FAIL], loadLow, [lowCheck, vLow, FAIL, 0]];
    }
    case 'SCMP_CMP_MASKED_EQ': {
      const [mHigh, mLow] = split(condition.value);
      const [wHigh, wLow] = split(condition.valueTwo ?? 0n);
      return [
        loadHigh,
        [BPF_ALU_AND_K, mHigh, 0, 0],
        [BPF_JMP_JEQ_K, wHigh, 0, FAIL],
        loadLow,
        [BPF_ALU_AND_K, mLow, 0, 0],
        [BPF_JMP_JEQ_K, wLow, 0, FAIL],
      ];
    }
  }
}
