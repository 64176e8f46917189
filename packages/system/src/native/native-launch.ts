// Starts a plan in a child made by clone3 and run by the native executor: no
// JavaScript and no libc in the child (DESIGN.md, process model).
import { loadMachineCode } from '../libc.js';
import { SysError } from '../sys-error.js';
import { layOutPlan, type NativeLayout, type NativeLayoutInput } from './native-memory.js';
import { X64_EXECUTOR_CODE } from './x64-executor-code.js';

export type NativeLaunchInput = Omit<NativeLayoutInput, 'addressOf'>;

export interface NativeChild {
  readonly pid: number;
  readonly pidfd: number;
  /** The child's memory: keep it referenced until the child has exec'd or died. */
  readonly memory: NativeLayout;
  /** A slot's value as the child left it (CLONE_VM: the memory is shared). */
  slot(index: number): bigint;
}

let entry: ((context: bigint) => bigint) | undefined;

export function launchNative(input: NativeLaunchInput, addressOf: (buffer: Uint8Array) => bigint): NativeChild {
  if (process.arch !== 'x64') throw new Error(`the native executor runs on x64 only (this is ${process.arch})`);
  entry ??= loadMachineCode(Buffer.from(X64_EXECUTOR_CODE, 'base64'));
  const memory = layOutPlan({ ...input, addressOf });
  const result = entry(memory.base + BigInt(memory.contextOffset));
  if (result < 0n) throw new SysError('clone3', Number(-result));
  const view = memory.buffer.subarray(Number(memory.base - addressOf(memory.buffer)));
  return {
    pid: Number(result),
    pidfd: view.readInt32LE(memory.pidfdOffset),
    memory,
    slot: (index) => view.readBigInt64LE(memory.slotsOffset + 8 * index),
  };
}
