// Lays a plan out in one buffer the native executor reads by address: the context,
// clone_args, the slots, the 64-byte step records, the data items and a stack. The
// layout is documented in native/x86_64/executor.S.
import { type Plan, SOCK_FILTER_SIZE, SOCK_FPROG_SIZE, type Step } from '../plan.js';

export const CONTEXT_SIZE = 64;
export const CLONE_ARGS_SIZE = 88; // clone_args up to and including `cgroup` (CLONE_ARGS_SIZE_VER2)
const STEP_SIZE = 64;
const STACK_SIZE = 16 * 1024;

const POLICY = { fail: 0, ignore: 1, 'ignore-errno': 2, jump: 3 } as const;
const FLAG_ZERO_IS_ERROR = 1;
const FLAG_FORK = 2;
const NO_SLOT = 255;

export interface NativeLayout {
  /** The memory; it must stay referenced until the child has exec'd or died. */
  readonly buffer: Buffer;
  readonly base: bigint;
  readonly contextOffset: number;
  readonly cloneArgsOffset: number;
  readonly pidfdOffset: number;
  readonly slotsOffset: number;
}

export interface NativeLayoutInput {
  readonly plan: Plan;
  /** Values of the plan's input slots, by name. */
  readonly inputs: Readonly<Record<string, number>>;
  readonly cloneFlags: bigint;
  readonly exitSignal: number;
  readonly errorFd: number;
  readonly addressOf: (buffer: Uint8Array) => bigint;
}

export function layOutPlan(input: NativeLayoutInput): NativeLayout {
  const { plan } = input;
  if (plan.slots.length > NO_SLOT) throw new Error(`a native plan holds at most ${NO_SLOT} slots`);
  // Offsets first: everything lives in one buffer, so every address is base + offset.
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
  const stackOffset = take(STACK_SIZE, 16);
  // Alignment is relative to the buffer; over-allocate so the real address aligns too.
  const buffer = Buffer.alloc(size + 16);
  const raw = input.addressOf(buffer);
  const shift = Number((16n - (raw % 16n)) % 16n);
  const base = raw + BigInt(shift);
  const at = (offset: number) => base + BigInt(offset);
  const view = buffer.subarray(shift);

  plan.data.forEach((item, i) => {
    const offset = dataOffsets[i]!;
    if (item.kind === 'string') view.write(`${item.value}\0`, offset);
    else if (item.kind === 'bytes') view.set(item.value, offset);
    else if (item.kind === 'fprog') {
      view.set(item.value, programOffsets[i]!);
      view.writeUInt16LE(item.value.length / SOCK_FILTER_SIZE, offset);
      view.writeBigUInt64LE(at(programOffsets[i]!), offset + 8);
    }
    else if (item.kind === 'strings') {
      item.value.forEach((value, j) => {
        const stringOffset = stringOffsets[i]![j]!;
        view.write(`${value}\0`, stringOffset);
        view.writeBigUInt64LE(at(stringOffset), offset + 8 * j);
      });
    }
  });
  for (const [i, step] of plan.steps.entries()) {
    encodeStep(view, stepsOffset + STEP_SIZE * i, step, (d) => at(dataOffsets[d]!));
  }
  plan.slots.forEach((slot, i) => {
    if (!slot.input) return;
    const value = input.inputs[slot.name];
    if (value === undefined) throw new Error(`plan input ${slot.name} was not provided`);
    view.writeBigInt64LE(BigInt(value), slotsOffset + 8 * i);
  });

  view.writeBigUInt64LE(input.cloneFlags, cloneArgsOffset + 0);
  view.writeBigUInt64LE(at(pidfdOffset), cloneArgsOffset + 8); // CLONE_PIDFD writes the fd here
  view.writeBigUInt64LE(BigInt(input.exitSignal), cloneArgsOffset + 32);
  view.writeBigUInt64LE(at(stackOffset), cloneArgsOffset + 40);
  view.writeBigUInt64LE(BigInt(STACK_SIZE), cloneArgsOffset + 48);

  view.writeBigUInt64LE(at(cloneArgsOffset), contextOffset + 0);
  view.writeBigUInt64LE(BigInt(CLONE_ARGS_SIZE), contextOffset + 8);
  view.writeBigUInt64LE(at(stepsOffset), contextOffset + 16);
  view.writeBigUInt64LE(BigInt(plan.steps.length), contextOffset + 24);
  view.writeBigUInt64LE(at(slotsOffset), contextOffset + 32);
  view.writeBigUInt64LE(BigInt(input.errorFd), contextOffset + 40);
  return { buffer, base, contextOffset, cloneArgsOffset, pidfdOffset, slotsOffset };
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
  view.writeUInt8((step.zeroIsError ? FLAG_ZERO_IS_ERROR : 0) | (step.fork ? FLAG_FORK : 0), offset + 6);
  view.writeUInt8(step.result ?? NO_SLOT, offset + 7);
  const onError = step.onError;
  const errarg = onError.policy === 'ignore-errno' ? onError.errno : onError.policy === 'jump' ? onError.to : 0;
  view.writeUInt32LE(errarg, offset + 8);
}
