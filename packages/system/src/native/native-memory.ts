// Lays a plan out in memory the native executor reads by address: the context,
// clone_args, the slots, the 64-byte step records, the data items and a stack. The
// layout is documented in native/x86_64/executor.S. It is written twice: into memory
// of Node's at `base`, which the clone3 child reads until it re-execs the executor,
// and into the executor's ELF image, mapped at the same `base` (native-elf.ts), where
// the inputs hold the fds they were placed at and the context names the step after
// the re-exec.
import { type Plan, SOCK_FILTER_SIZE, SOCK_FPROG_SIZE, type Step } from '../plan.js';

export const CONTEXT_SIZE = 64;
export const CLONE_ARGS_SIZE = 88; // clone_args up to and including `cgroup` (CLONE_ARGS_SIZE_VER2)
const STEP_SIZE = 64;
const STACK_SIZE = 16 * 1024;

const POLICY = { fail: 0, ignore: 1, 'ignore-errno': 2, jump: 3 } as const;
const FLAG_ZERO_IS_ERROR = 1;
const FLAG_FORK = 2;
const FLAG_REPORT = 4;
const NO_SLOT = 255;
const CONTEXT_ERROR_FD = 40;
const CONTEXT_FIRST_STEP = 56;

/** Where everything goes, relative to the start of the memory. */
export interface NativeLayout {
  readonly size: number;
  /** The part an ELF image copies: all but the clone3 child's stack, which comes last. */
  readonly imageSize: number;
  readonly contextOffset: number;
  readonly cloneArgsOffset: number;
  readonly pidfdOffset: number;
  readonly slotsOffset: number;
  readonly stepsOffset: number;
  readonly dataOffsets: readonly number[];
  readonly stringOffsets: readonly (readonly number[])[];
  readonly programOffsets: readonly number[];
  readonly stackOffset: number;
}

export function measureLayout(plan: Plan): NativeLayout {
  if (plan.slots.length > NO_SLOT) throw new Error(`a native plan holds at most ${NO_SLOT} slots`);
  let size = 0;
  const take = (bytes: number, align = 8) => {
    size = Math.ceil(size / align) * align;
    const at = size;
    size += bytes;
    return at;
  };
  const contextOffset = take(CONTEXT_SIZE);
  const cloneArgsOffset = take(CLONE_ARGS_SIZE);
  const pidfdOffset = take(8);
  const slotsOffset = take(8 * plan.slots.length);
  const stepsOffset = take(STEP_SIZE * plan.steps.length);
  const dataOffsets = plan.data.map((item): number => {
    if (item.kind === 'string') return take(Buffer.byteLength(item.value) + 1);
    if (item.kind === 'bytes') return take(item.value.length);
    if (item.kind === 'scratch') return take(item.size);
    if (item.kind === 'fprog') return take(SOCK_FPROG_SIZE);
    return take(8 * (item.value.length + 1)); // strings: a NULL-terminated pointer array
  });
  const stringOffsets = plan.data.map((item) =>
    item.kind === 'strings' ? item.value.map((value) => take(Buffer.byteLength(value) + 1)) : [],
  );
  // A program's instructions, which its sock_fprog points at.
  const programOffsets = plan.data.map((item) => (item.kind === 'fprog' ? take(item.value.length) : 0));
  const imageSize = size;
  const stackOffset = take(STACK_SIZE, 16);
  return {
    size,
    imageSize,
    contextOffset,
    cloneArgsOffset,
    pidfdOffset,
    slotsOffset,
    stepsOffset,
    dataOffsets,
    stringOffsets,
    programOffsets,
    stackOffset,
  };
}

export interface LayoutValues {
  /** Values of the plan's input slots, by name. */
  readonly inputs: Readonly<Record<string, number>>;
  readonly cloneFlags: bigint;
  readonly exitSignal: number;
  readonly errorFd: number;
}

/** Writes the plan into `view`, the memory at `base` (16-byte aligned). */
export function writeLayout(view: Buffer, base: bigint, layout: NativeLayout, plan: Plan, values: LayoutValues): void {
  const at = (offset: number) => base + BigInt(offset);
  plan.data.forEach((item, i) => {
    const offset = layout.dataOffsets[i]!;
    if (item.kind === 'string') view.write(`${item.value}\0`, offset);
    else if (item.kind === 'bytes') view.set(item.value, offset);
    else if (item.kind === 'fprog') {
      const program = layout.programOffsets[i]!;
      view.set(item.value, program);
      view.writeUInt16LE(item.value.length / SOCK_FILTER_SIZE, offset);
      view.writeBigUInt64LE(at(program), offset + 8);
    } else if (item.kind === 'strings') {
      item.value.forEach((value, j) => {
        const stringOffset = layout.stringOffsets[i]![j]!;
        view.write(`${value}\0`, stringOffset);
        view.writeBigUInt64LE(at(stringOffset), offset + 8 * j);
      });
    }
  });
  for (const [i, step] of plan.steps.entries()) {
    encodeStep(view, layout.stepsOffset + STEP_SIZE * i, step, (d) => at(layout.dataOffsets[d]!));
  }
  plan.slots.forEach((slot, i) => {
    if (!slot.input) return;
    const value = values.inputs[slot.name];
    if (value === undefined) throw new Error(`plan input ${slot.name} was not provided`);
    view.writeBigInt64LE(BigInt(value), layout.slotsOffset + 8 * i);
  });

  const cloneArgs = layout.cloneArgsOffset;
  view.writeBigUInt64LE(values.cloneFlags, cloneArgs + 0);
  view.writeBigUInt64LE(at(layout.pidfdOffset), cloneArgs + 8); // CLONE_PIDFD writes the fd here
  view.writeBigUInt64LE(BigInt(values.exitSignal), cloneArgs + 32);
  view.writeBigUInt64LE(at(layout.stackOffset), cloneArgs + 40);
  view.writeBigUInt64LE(BigInt(STACK_SIZE), cloneArgs + 48);

  const context = layout.contextOffset;
  view.writeBigUInt64LE(at(cloneArgs), context + 0);
  view.writeBigUInt64LE(BigInt(CLONE_ARGS_SIZE), context + 8);
  view.writeBigUInt64LE(at(layout.stepsOffset), context + 16);
  view.writeBigUInt64LE(BigInt(plan.steps.length), context + 24);
  view.writeBigUInt64LE(at(layout.slotsOffset), context + 32);
  view.writeBigUInt64LE(BigInt(values.errorFd), context + CONTEXT_ERROR_FD);
  view.writeUInt32LE(0, context + CONTEXT_FIRST_STEP);
}

/**
 * Turns a copy of the written layout into what the executor finds after its re-exec:
 * every placed input at its fd, the error pipe at its fd, and `firstStep` next.
 */
export function layoutAfterReexec(copy: Buffer, layout: NativeLayout, plan: Plan, errorFd: number, firstStep: number): void {
  let placedError: number | undefined;
  plan.slots.forEach((slot, i) => {
    if (!slot.input || slot.fd === undefined) return;
    const offset = layout.slotsOffset + 8 * i;
    if (copy.readBigInt64LE(offset) === BigInt(errorFd)) placedError = slot.fd;
    copy.writeBigInt64LE(BigInt(slot.fd), offset);
  });
  if (placedError === undefined) throw new Error('a plan that re-execs the executor must place its error pipe (an input with an fd)');
  copy.writeBigUInt64LE(BigInt(placedError), layout.contextOffset + CONTEXT_ERROR_FD);
  copy.writeUInt32LE(firstStep, layout.contextOffset + CONTEXT_FIRST_STEP);
}

function encodeStep(view: Buffer, offset: number, step: Step, dataAddress: (index: number) => bigint): void {
  let argmask = 0;
  view.writeUInt32LE(step.nr, offset);
  step.args.forEach((arg, i) => {
    let value: bigint;
    if (arg.kind === 'immediate') value = BigInt.asUintN(64, arg.value);
    else if (arg.kind === 'data') value = dataAddress(arg.index);
    else {
      argmask |= 1 << i;
      value = BigInt(arg.index);
    }
    view.writeBigUInt64LE(value, offset + 16 + 8 * i);
  });
  view.writeUInt8(argmask, offset + 4);
  view.writeUInt8(POLICY[step.onError.policy], offset + 5);
  const flags = (step.zeroIsError ? FLAG_ZERO_IS_ERROR : 0) | (step.fork ? FLAG_FORK : 0) | (step.report ? FLAG_REPORT : 0);
  view.writeUInt8(flags, offset + 6);
  view.writeUInt8(step.result ?? NO_SLOT, offset + 7);
  const onError = step.onError;
  const errarg = onError.policy === 'ignore-errno' ? onError.errno : onError.policy === 'jump' ? onError.to : 0;
  view.writeUInt32LE(errarg, offset + 8);
}
