// Starts a plan in a child made by clone3 and run by the native executor: no
// JavaScript and no libc in the child (DESIGN.md, process model).
//
// The child shares Node's memory (CLONE_VM: nothing to copy) only until the plan's
// re-exec step (steps.reexecExecutor): the plan is laid out in memory mapped at an
// address the executor's ELF image can map its own copy at, so the steps before and
// after the re-exec read the same pointers.
import { loadMachineCode, mapMemory } from '../libc.js';
import { EXECUTOR_INPUT, type Plan } from '../plan.js';
import { SysError } from '../sys-error.js';
import { syscallNumber } from '../syscall-numbers.js';
import { executorImage } from './native-elf.js';
import { layoutAfterReexec, measureLayout, writeLayout } from './native-memory.js';
import { X64_EXECUTOR_CODE, X64_RESUME_OFFSET } from './x64-executor-code.js';

export interface NativeLaunchInput {
  readonly plan: Plan;
  /** Values of the plan's input slots, by name (the executor's memfd is added here). */
  readonly inputs: Readonly<Record<string, number>>;
  readonly cloneFlags: bigint;
  readonly exitSignal: number;
  /** Where a failed step is reported (an input too, when the plan re-execs). */
  readonly errorFd: number;
}

export interface NativeChild {
  readonly pid: number;
  readonly pidfd: number;
  /** Unmaps the plan's memory: only once the child has exec'd or died. */
  release(): void;
}

/** The raw system call of `System`, which throws SysError on failure. */
export type RawSyscall = (name: string, nr: number, args: readonly bigint[]) => bigint;

const PAGE = 4096;
/**
 * Plans are mapped low, far from where the kernel puts Node's own mappings and the
 * executor image's stack (both near the top of the address space), so that the image
 * can map its copy at the same address. Launches in flight take turns over 4096 hints.
 */
const HINT_BASE = 0x1000_0000_0000n;
const HINT_STRIDE = 0x100_0000n;
let launches = 0;

const MFD_CLOEXEC = 1n;
const MFD_ALLOW_SEALING = 2n;
const MFD_EXEC = 0x10n;
const F_ADD_SEALS = 1033n;
const F_SEAL_SEAL = 1n;
const F_SEAL_SHRINK = 2n;
const F_SEAL_GROW = 4n;
const F_SEAL_WRITE = 8n;
const EINVAL = 22;

let entry: ((context: bigint) => bigint) | undefined;

export function launchNative(input: NativeLaunchInput, syscall: RawSyscall, addressOf: (buffer: Uint8Array) => bigint): NativeChild {
  if (process.arch !== 'x64') throw new Error(`the native executor runs on x64 only (this is ${process.arch})`);
  const code = Buffer.from(X64_EXECUTOR_CODE, 'base64');
  entry ??= loadMachineCode(code);
  const { plan } = input;
  const reexecAt = plan.steps.findIndex((step) => step.reexec);
  const layout = measureLayout(plan);
  const memory = mapMemory(Math.ceil(layout.size / PAGE) * PAGE, HINT_BASE + BigInt(launches++ % 4096) * HINT_STRIDE);
  let executor: number | undefined;
  try {
    if (reexecAt !== -1) executor = createMemfd(syscall, addressOf);
    const inputs = executor === undefined ? input.inputs : { ...input.inputs, [EXECUTOR_INPUT]: executor };
    const values = { inputs, cloneFlags: input.cloneFlags, exitSignal: input.exitSignal, errorFd: input.errorFd };
    writeLayout(memory.bytes, memory.address, layout, plan, values);
    if (executor !== undefined) {
      const copy = Buffer.from(memory.bytes.subarray(0, layout.imageSize));
      layoutAfterReexec(copy, layout, plan, input.errorFd, reexecAt + 1);
      const image = executorImage({
        code,
        resumeOffset: X64_RESUME_OFFSET,
        contextAddress: memory.address + BigInt(layout.contextOffset),
        planAddress: memory.address,
        plan: copy,
      });
      writeSealed(syscall, addressOf, executor, image);
    }
    const result = entry(memory.address + BigInt(layout.contextOffset));
    if (result < 0n) throw new SysError('clone3', Number(-result));
    return {
      pid: Number(result),
      pidfd: memory.bytes.readInt32LE(layout.pidfdOffset),
      release: () => memory.unmap(),
    };
  } catch (error) {
    memory.unmap();
    throw error;
  } finally {
    // The child has its own copy of the fd.
    if (executor !== undefined) syscall('close', syscallNumber('close', 'x64'), [BigInt(executor)]);
  }
}

function createMemfd(syscall: RawSyscall, addressOf: (buffer: Uint8Array) => bigint): number {
  const name = Buffer.from('lc-executor\0');
  const flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  const create = (extra: bigint) => Number(syscall('memfd_create', syscallNumber('memfd_create', 'x64'), [addressOf(name), flags | extra]));
  try {
    // MFD_EXEC: executable even where vm.memfd_noexec makes memfds noexec by default.
    return create(MFD_EXEC);
  } catch (error) {
    // Kernels before 6.3 know no MFD_EXEC (and no memfd_noexec either).
    if (SysError.isInstance(error) && error.errno === EINVAL) return create(0n);
    throw error;
  }
}

/** Writes the whole image, then seals the memfd: nobody can change it any more. */
function writeSealed(syscall: RawSyscall, addressOf: (buffer: Uint8Array) => bigint, fd: number, image: Buffer): void {
  let written = 0;
  while (written < image.length) {
    const chunk = image.subarray(written);
    written += Number(syscall('write memfd', syscallNumber('write', 'x64'), [BigInt(fd), addressOf(chunk), BigInt(chunk.length)]));
  }
  const seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  syscall('fcntl F_ADD_SEALS', syscallNumber('fcntl', 'x64'), [BigInt(fd), F_ADD_SEALS, seals]);
}
