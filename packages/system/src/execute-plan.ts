// The TypeScript executor: runs a plan's steps in order through `System.syscall`.
//
// It runs in the Node init, on the main thread and synchronously: namespace,
// credential and capability state is per thread, and execve keeps only the calling
// thread's (DESIGN.md, process model). On success the last step (execve) never
// returns; on failure the caller reports {step, errno} on the error pipe.
import { type Plan, SOCK_FILTER_SIZE, SOCK_FPROG_SIZE, ZERO_RESULT_ERRNO } from './plan.js';
import { SysError } from './sys-error.js';
import type { System } from './system.js';

export interface StepFailure {
  readonly step: number;
  readonly errno: number;
}

const POINTER_SIZE = 8; // x86-64 and aarch64

/**
 * Runs `plan` and returns the failing step, or undefined when the plan ran to its
 * end without an exec. `inputs` fills the plan's input slots by name.
 */
export function executePlan(plan: Plan, sys: System, inputs: Readonly<Record<string, number>>): StepFailure | undefined {
  // No JavaScript may run in a forked copy of Node (DESIGN.md): joining needs the native
  // executor, and only it has an image of its own to re-exec.
  const nativeOnly = plan.steps.findIndex((step) => step.fork || step.reexec || step.report);
  if (nativeOnly !== -1) {
    throw new Error(`step ${nativeOnly} (${plan.steps[nativeOnly]!.label}) needs the native executor`);
  }
  const slots = plan.slots.map((slot) => {
    if (!slot.input) return 0n;
    const value = inputs[slot.name];
    if (value === undefined) throw new Error(`plan input ${slot.name} was not provided`);
    return BigInt(value);
  });
  // The kernel reads these buffers by address: they stay referenced until this
  // function returns, which on success it never does (execve replaces the process).
  const { addresses: memory, buffers } = prepareMemory(plan, sys);
  liveBuffers.add(buffers);
  try {
    return run(plan, sys, slots, memory);
  } finally {
    liveBuffers.delete(buffers);
  }
}

const liveBuffers = new Set<Buffer[]>();

function run(plan: Plan, sys: System, slots: bigint[], memory: readonly bigint[]): StepFailure | undefined {
  let index = 0;
  while (index < plan.steps.length) {
    const step = plan.steps[index]!;
    const args = step.args.map((arg) => {
      if (arg.kind === 'immediate') return arg.value;
      if (arg.kind === 'slot') return slots[arg.index]!;
      return memory[arg.index]!;
    });
    let errno: number;
    try {
      const result = sys.syscall(step.syscall, step.nr, args);
      if (step.zeroIsError && result === 0n) {
        errno = ZERO_RESULT_ERRNO;
      } else {
        if (step.result !== undefined) slots[step.result] = result;
        index++;
        continue;
      }
    } catch (error) {
      if (!SysError.isInstance(error)) throw error;
      errno = error.errno;
    }
    const policy = step.onError;
    if (policy.policy === 'ignore' || (policy.policy === 'ignore-errno' && policy.errno === errno)) {
      index++;
    } else if (policy.policy === 'jump') {
      index = policy.to;
    } else {
      return { step: index, errno };
    }
  }
  return undefined;
}

/** Lays out every data item and returns each one's address. */
function prepareMemory(plan: Plan, sys: System): { addresses: bigint[]; buffers: Buffer[] } {
  const keep: Buffer[] = [];
  const place = (buffer: Buffer): bigint => {
    keep.push(buffer);
    return sys.addressOf(buffer);
  };
  const addresses = plan.data.map((item): bigint => {
    if (item.kind === 'string') return place(Buffer.from(`${item.value}\0`));
    if (item.kind === 'bytes') return place(Buffer.from(item.value));
    if (item.kind === 'scratch') return place(Buffer.alloc(item.size));
    if (item.kind === 'fprog') {
      const fprog = Buffer.alloc(SOCK_FPROG_SIZE);
      fprog.writeUInt16LE(item.value.length / SOCK_FILTER_SIZE, 0);
      fprog.writeBigUInt64LE(place(Buffer.from(item.value)), 8);
      return place(fprog);
    }
    const array = Buffer.alloc(POINTER_SIZE * (item.value.length + 1));
    for (const [i, value] of item.value.entries()) {
      array.writeBigUInt64LE(place(Buffer.from(`${value}\0`)), POINTER_SIZE * i);
    }
    return place(array);
  });
  return { addresses, buffers: keep };
}
