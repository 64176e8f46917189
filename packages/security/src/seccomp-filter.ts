// A seccomp filter as classic BPF: the program the kernel runs on each system call of
// the container's processes, over struct seccomp_data { int nr; u32 arch; u64 ip;
// u64 args[6] }. Forward jumps only, each at most 255 instructions: check the ABI,
// then range tables of the system calls one rule decides, then the rules with
// argument conditions, then the default action (seccompProgram).
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

/** A jump target: an offset, or a label placed later in the program. */
type Target = number | Label;
interface Label {
  readonly label: symbol;
}
type Instruction = readonly [code: number, k: number, jt: Target, jf: Target];

/**
 * A forward-only program under construction: jumps may name labels placed later, and
 * are resolved to offsets at the end (a classic BPF conditional jump holds at most 255).
 */
class Assembler {
  private readonly code: (Instruction | Label)[] = [];

  label(): Label {
    return { label: Symbol('label') };
  }

  place(label: Label): void {
    this.code.push(label);
  }

  emit(...instructions: Instruction[]): void {
    this.code.push(...instructions);
  }

  bytes(): Uint8Array {
    const at = new Map<symbol, number>();
    let pc = 0;
    for (const item of this.code) {
      if ('label' in item) at.set(item.label, pc);
      else pc++;
    }
    const instructions = this.code.filter((item): item is Instruction => !('label' in item));
    const bytes = new Uint8Array(8 * instructions.length);
    const view = new DataView(bytes.buffer);
    instructions.forEach(([code, k, jt, jf], i) => {
      const offset = (target: Target) => (typeof target === 'number' ? target : at.get(target.label)! - (i + 1));
      const [t, f] = [offset(jt), offset(jf)];
      if (t < 0 || f < 0 || t > 255 || f > 255) throw new Error(`seccomp filter: a jump of ${Math.max(t, f)} at ${i} does not fit BPF`);
      view.setUint16(8 * i, code, true);
      view.setUint8(8 * i + 2, t);
      view.setUint8(8 * i + 3, f);
      view.setUint32(8 * i + 4, k >>> 0, true);
    });
    return bytes;
  }
}

/** Ranges of consecutive system call numbers a jump-table chunk tests at most: its jumps stay short. */
const RANGES_PER_CHUNK = 64;

export interface ProgramOptions {
  /**
   * Numbers above every one the rules name get ENOSYS instead of a refusing default, as
   * runc does: a system call newer than the profile is one its author never judged, and
   * ENOSYS lets a program fall back to the older call it replaced (glibc's fchmodat2).
   * Has no effect with an allowing default.
   */
  readonly newerGetEnosys?: boolean;
}

/**
 * The program: system calls of another ABI (i386's int 0x80 on x86-64, or x32) get
 * ENOSYS — the rules' numbers would not apply to theirs, and letting them through would
 * bypass them. Then the rules, first match deciding, as libseccomp lays them out rather
 * than one block per rule: a system call's rules are independent of every other's, so
 * those decided by one unconditional rule are tested as sorted ranges of numbers, one
 * chunk per action (a call costs a few comparisons, not one per rule of an allowlist of
 * hundreds); a system call with argument conditions gets its rules in config order, and
 * the default when none holds. Then the default.
 */
export function seccompProgram(arch: Arch, rules: readonly FilterRule[], defaultAction: number, options: ProgramOptions = {}): Uint8Array {
  const asm = new Assembler();
  const refuse = actionValue({ type: 'SCMP_ACT_ERRNO', errno: errnoNumber('ENOSYS') });
  const nativeAbi = asm.label();
  asm.emit([BPF_LD_W_ABS, SECCOMP_DATA_ARCH, 0, 0], [BPF_JMP_JEQ_K, AUDIT_ARCH[arch], nativeAbi, 0], [BPF_RET_K, refuse, 0, 0]);
  asm.place(nativeAbi);
  asm.emit([BPF_LD_W_ABS, SECCOMP_DATA_NR, 0, 0]);
  if (arch === 'x64') asm.emit([BPF_JMP_JGE_K, X32_SYSCALL_BIT, 0, 1], [BPF_RET_K, refuse, 0, 0]);

  const chains = rulesByNumber(rules);
  // Sorted once, without destructuring in the loops: this runs cold in every nsinit, where
  // a comparator that destructures entries cost milliseconds.
  const numbers = [...chains.keys()].sort((a, b) => a - b);
  const decided = new Map<number, number[]>(); // action → numbers one unconditional rule decides
  const conditional: number[] = [];
  for (const nr of numbers) {
    const chain = chains.get(nr)!;
    const only = chain[0]!;
    if (chain.length > 1 || only.conditions.length > 0) {
      conditional.push(nr);
      continue;
    }
    const group = decided.get(only.action);
    if (group) group.push(nr);
    else decided.set(only.action, [nr]);
  }
  // The largest group first: most system calls a program makes are the allowed ones.
  const actions = [...decided.keys()].sort((a, b) => decided.get(b)!.length - decided.get(a)!.length);
  for (const action of actions) jumpTable(asm, action, decided.get(action)!);
  for (const nr of conditional) conditionalChain(asm, nr, chains.get(nr)!, defaultAction);

  const refusing = defaultAction !== actionValue({ type: 'SCMP_ACT_ALLOW' }) && defaultAction !== actionValue({ type: 'SCMP_ACT_LOG' });
  const newest = numbers[numbers.length - 1];
  if (options.newerGetEnosys && refusing && newest !== undefined) {
    asm.emit([BPF_LD_W_ABS, SECCOMP_DATA_NR, 0, 0], [BPF_JMP_JGT_K, newest, 0, 1], [BPF_RET_K, refuse, 0, 0]);
  }
  asm.emit([BPF_RET_K, defaultAction, 0, 0]);
  return asm.bytes();
}

/** Each system call's rules in config order, up to the first without conditions (none after it can match). */
function rulesByNumber(rules: readonly FilterRule[]): Map<number, FilterRule[]> {
  const chains = new Map<number, FilterRule[]>();
  for (const rule of rules) {
    const chain = chains.get(rule.nr);
    if (!chain) chains.set(rule.nr, [rule]);
    else if (chain[chain.length - 1]!.conditions.length > 0) chain.push(rule);
  }
  return chains;
}

/**
 * `numbers` (sorted) return `action`: consecutive numbers as one range check. A chunk
 * holds a few dozen ranges and one return; a number below a range is in none of the
 * chunk's later ones, so it leaves the chunk at once. nr stays loaded throughout.
 */
function jumpTable(asm: Assembler, action: number, numbers: readonly number[]): void {
  const ranges: [number, number][] = [];
  for (const nr of numbers) {
    const last = ranges.at(-1);
    if (last && last[1] === nr - 1) last[1] = nr;
    else ranges.push([nr, nr]);
  }
  for (let first = 0; first < ranges.length; first += RANGES_PER_CHUNK) {
    const matched = asm.label();
    const next = asm.label();
    const chunk = ranges.slice(first, first + RANGES_PER_CHUNK);
    chunk.forEach(([low, high], i) => {
      // The last range falls through to the return when it matches, and leaves otherwise.
      const last = i === chunk.length - 1;
      if (low === high) asm.emit([BPF_JMP_JEQ_K, low, last ? 0 : matched, last ? next : 0]);
      else asm.emit([BPF_JMP_JGE_K, low, 0, next], [BPF_JMP_JGT_K, high, last ? next : 0, last ? 0 : matched]);
    });
    asm.place(matched);
    asm.emit([BPF_RET_K, action, 0, 0]);
    asm.place(next);
  }
}

/**
 * A system call with argument conditions: its rules in config order, each one's failed
 * condition moving on to the next rule; none holding, the default. Conditions load
 * arguments, so the chain starts by loading nr again.
 */
function conditionalChain(asm: Assembler, nr: number, chain: readonly FilterRule[], defaultAction: number): void {
  const other = asm.label();
  asm.emit([BPF_LD_W_ABS, SECCOMP_DATA_NR, 0, 0], [BPF_JMP_JEQ_K, nr, 0, other]);
  for (const rule of chain) {
    const nextRule = asm.label();
    for (const condition of rule.conditions) asm.emit(...conditionCheck(condition, nextRule));
    asm.emit([BPF_RET_K, rule.action, 0, 0]);
    asm.place(nextRule);
  }
  if (chain.at(-1)!.conditions.length > 0) asm.emit([BPF_RET_K, defaultAction, 0, 0]);
  asm.place(other);
}

/**
 * A 64-bit comparison in 32-bit BPF: the high words decide unless equal, then the low
 * ones. Falls through when the condition holds, jumps to `fail` when not.
 */
function conditionCheck(condition: FilterCondition, fail: Label): Instruction[] {
  const low = SECCOMP_DATA_ARGS + 8 * condition.index; // little-endian: the low word first
  const high = low + 4;
  const split = (value: bigint) => [Number(value >> 32n), Number(value & 0xffffffffn)] as const;
  const [vHigh, vLow] = split(condition.value);
  const loadHigh: Instruction = [BPF_LD_W_ABS, high, 0, 0];
  const loadLow: Instruction = [BPF_LD_W_ABS, low, 0, 0];
  switch (condition.op) {
    case 'SCMP_CMP_EQ':
      return [loadHigh, [BPF_JMP_JEQ_K, vHigh, 0, fail], loadLow, [BPF_JMP_JEQ_K, vLow, 0, fail]];
    case 'SCMP_CMP_NE':
      // High words differ: it holds (skip the low check); else the low words decide.
      return [loadHigh, [BPF_JMP_JEQ_K, vHigh, 0, 2], loadLow, [BPF_JMP_JEQ_K, vLow, fail, 0]];
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const lowCheck = condition.op === 'SCMP_CMP_GT' ? BPF_JMP_JGT_K : BPF_JMP_JGE_K;
      return [loadHigh, [BPF_JMP_JGT_K, vHigh, 3, 0], [BPF_JMP_JEQ_K, vHigh, 0, fail], loadLow, [lowCheck, vLow, 0, fail]];
    }
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // JGE/JGT with the branches swapped: "not above" is "below or equal".
      const lowCheck = condition.op === 'SCMP_CMP_LT' ? BPF_JMP_JGE_K : BPF_JMP_JGT_K;
      return [loadHigh, [BPF_JMP_JGE_K, vHigh, 0, 3], [BPF_JMP_JEQ_K, vHigh, 0, fail], loadLow, [lowCheck, vLow, fail, 0]];
    }
    case 'SCMP_CMP_MASKED_EQ': {
      const [mHigh, mLow] = split(condition.value);
      const [wHigh, wLow] = split(condition.valueTwo ?? 0n);
      return [
        loadHigh,
        [BPF_ALU_AND_K, mHigh, 0, 0],
        [BPF_JMP_JEQ_K, wHigh, 0, fail],
        loadLow,
        [BPF_ALU_AND_K, mLow, 0, 0],
        [BPF_JMP_JEQ_K, wLow, 0, fail],
      ];
    }
  }
}
