// The init plan: container setup as data.
//
// Everything that must happen inside the new namespaces between clone and exec is a
// flat list of syscall steps built in the parent. A step is a syscall and up to six
// arguments; an argument is an immediate, a pointer to a data item the parent
// prepared (a path, a struct, an argv array), or a slot holding an earlier step's
// result (an fd). The same records run in the TypeScript executor (a Node init) and,
// later, the native one; `renderPlan` prints them like strace.
import { type Arch, type SyscallName, syscallNumber } from './syscall-numbers.js';

/** How an immediate argument is printed: flag tables, octal modes, fds, signals. */
export type ArgFormat =
  | 'int'
  | 'hex'
  | 'octal'
  | 'fd'
  | 'mount-flags'
  | 'umount-flags'
  | 'clone-flags'
  | 'open-flags'
  | 'prctl'
  | 'prctl-ambient'
  | 'signal'
  | 'capability'
  | 'fcntl'
  | 'close-range-flags'
  | 'at-flags'
  | 'dev'
  | 'ioctl'
  | 'sigmask-how'
  | 'address-family'
  | 'socket-type'
  | 'resolve-flags'
  | 'open-tree-flags'
  | 'move-mount-flags'
  | 'fsopen-flags'
  | 'fsconfig-command'
  | 'fsmount-flags'
  | 'mount-attributes'
  | 'propagation';

export type Arg =
  | { readonly kind: 'immediate'; readonly value: bigint; readonly format: ArgFormat }
  | { readonly kind: 'data'; readonly index: number }
  | { readonly kind: 'slot'; readonly index: number };

/** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
export const SOCK_FILTER_SIZE = 8;
/** struct sock_fprog on LP64: u16 len, padding, the instructions' address. */
export const SOCK_FPROG_SIZE = 16;

export type DataItem =
  /** A NUL-terminated string. */
  | { readonly kind: 'string'; readonly value: string }
  /** Raw bytes (a struct); `describe` is how the renderer shows it. */
  | { readonly kind: 'bytes'; readonly value: Uint8Array; readonly describe: string }
  /** A NULL-terminated array of pointers to string items (argv, envp). */
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  /**
   * A classic BPF program as `struct sock_fprog` ({ u16 len; u64 filter }) pointing at
   * its instructions, which are laid out beside it (seccomp filters).
   */
  | { readonly kind: 'fprog'; readonly value: Uint8Array; readonly describe: string }
  /** Writable scratch memory of `size` bytes (the byte read from the sync pipe). */
  | { readonly kind: 'scratch'; readonly size: number };

export type ErrorPolicy =
  | { readonly policy: 'fail' }
  | { readonly policy: 'ignore' }
  | { readonly policy: 'ignore-errno'; readonly errno: number }
  | { readonly policy: 'jump'; readonly to: number };

export interface Step {
  readonly syscall: SyscallName;
  readonly nr: number;
  readonly args: readonly Arg[];
  readonly onError: ErrorPolicy;
  /** Slot that receives the result (an fd for later steps). */
  readonly result?: number;
  /** A result of 0 is a failure (EOF on the sync pipe: the parent went away). */
  readonly zeroIsError?: boolean;
  /**
   * The step makes a process (clone): the side that got a pid keeps it in `result`
   * and exits 0; the new process goes on with the next step. Native executor only.
   */
  readonly fork?: boolean;
  /**
   * On success the result goes down the error pipe as a record {step | 1 << 31,
   * result}: how the parent learns the pid of a process forked into a pid namespace.
   * Native executor only.
   */
  readonly report?: boolean;
  /**
   * The step execs the native executor itself, from its memfd (`EXECUTOR_INPUT`): the
   * plan goes on with the next step in an address space of its own (native-elf.ts).
   * Native executor only.
   */
  readonly reexec?: boolean;
  /** What the step does, for error lines: "mount proc on /r/proc". */
  readonly label: string;
}

export interface Slot {
  readonly name: string;
  /** Filled by whoever starts the executor (the sync and error pipe fds). */
  readonly input: boolean;
  /**
   * The fd the input is moved to (steps.placeInputs): before the executor's re-exec
   * the slot holds the parent's fd number, after it this one.
   */
  readonly fd?: number;
}

export interface Plan {
  readonly arch: Arch;
  readonly steps: readonly Step[];
  readonly data: readonly DataItem[];
  readonly slots: readonly Slot[];
}

/** The input holding the native executor's memfd, for steps.reexecExecutor (filled by launchNative). */
export const EXECUTOR_INPUT = 'executor';

/** Set in the step field of an error-pipe record that reports a result (Step.report), not a failure. */
export const REPORT_FLAG = 0x8000_0000;

/** Errno a failed zeroIsError step reports: the sync pipe was closed without a go. */
export const ZERO_RESULT_ERRNO = 32; // EPIPE

export interface DataRef {
  readonly kind: 'data';
  readonly index: number;
}
export interface SlotRef {
  readonly kind: 'slot';
  readonly index: number;
}
export interface Immediate {
  readonly kind: 'immediate';
  readonly value: bigint;
  readonly format: ArgFormat;
}

/** What a builder method takes as an argument: strings become data items, null is 0. */
export type ArgInput = number | bigint | string | null | DataRef | SlotRef | Immediate;

export interface StepOptions {
  readonly label?: string;
  readonly onError?: ErrorPolicy;
  readonly result?: SlotRef;
  readonly zeroIsError?: boolean;
  readonly fork?: boolean;
  readonly report?: boolean;
  readonly reexec?: boolean;
}

export function imm(value: number | bigint, format: ArgFormat = 'int'): Immediate {
  return { kind: 'immediate', value: BigInt(value), format };
}

export const ignoreErrno = (errno: number): ErrorPolicy => ({ policy: 'ignore-errno', errno });
export const IGNORE: ErrorPolicy = { policy: 'ignore' };

/**
 * Collects steps, data and slots. Packages add the steps of their concern through it
 * (one method per syscall keeps arguments and rendering right); nsinit orders them.
 */
export class PlanBuilder {
  readonly arch: Arch;
  readonly #steps: Step[] = [];
  readonly #data: DataItem[] = [];
  readonly #strings = new Map<string, number>();
  readonly #slots: Slot[] = [];
  /** Released temporaries by the name they were asked for, ready for reuse. */
  readonly #free = new Map<string, SlotRef[]>();
  /** The name each temporary slot was asked for, by slot index. */
  readonly #temporaryNames = new Map<number, string>();

  constructor(arch: Arch) {
    this.arch = arch;
  }

  get length(): number {
    return this.#steps.length;
  }

  /**
   * A slot the executor's host fills before the first step (named so the host finds
   * it); `fd`: where steps.placeInputs puts it. Asking again for a name gives its slot.
   */
  input(name: string, fd?: number): SlotRef {
    const known = this.#slots.findIndex((slot) => slot.name === name);
    if (known !== -1) {
      const slot = this.#slots[known]!;
      if (!slot.input || slot.fd !== fd) throw new Error(`plan slot ${name} defined twice`);
      return { kind: 'slot', index: known };
    }
    return this.#slot(name, true, fd);
  }

  /** The input slots that name an fd to be placed at. */
  placedInputs(): readonly { readonly ref: SlotRef; readonly name: string; readonly fd: number }[] {
    return this.#slots.flatMap((slot, index) =>
      slot.input && slot.fd !== undefined ? [{ ref: { kind: 'slot', index } as const, name: slot.name, fd: slot.fd }] : [],
    );
  }

  /** A slot for a step's result. */
  slot(name: string): SlotRef {
    return this.#slot(name, false);
  }

  /**
   * A slot for an fd that lives for a few steps (a mount target, a detached mount), taken
   * back with `release` once the fd is closed. The native executor holds at most 255
   * slots, and a plan opens fds for every mount: they must be reused. Shown as `$name`,
   * or `$name-2` while a second one of that name is in use.
   */
  temporary(name: string): SlotRef {
    const reused = this.#free.get(name)?.pop();
    if (reused) return reused;
    let count = 0;
    for (const asked of this.#temporaryNames.values()) if (asked === name) count++;
    const slot = this.#slot(count === 0 ? name : `${name}-${count + 1}`, false);
    this.#temporaryNames.set(slot.index, name);
    return slot;
  }

  /** Gives a temporary slot back: the fd in it was closed (or never opened). */
  release(slot: SlotRef): void {
    const name = this.#temporaryNames.get(slot.index);
    if (name === undefined) throw new Error(`plan slot ${this.#slots[slot.index]?.name ?? slot.index} is not a temporary`);
    const free = this.#free.get(name) ?? [];
    if (free.some((known) => known.index === slot.index)) throw new Error(`plan slot ${this.#slots[slot.index]!.name} released twice`);
    free.push(slot);
    this.#free.set(name, free);
  }

  string(value: string): DataRef {
    const known = this.#strings.get(value);
    if (known !== undefined) return { kind: 'data', index: known };
    const ref = this.#item({ kind: 'string', value });
    this.#strings.set(value, ref.index);
    return ref;
  }

  bytes(value: Uint8Array, describe: string): DataRef {
    return this.#item({ kind: 'bytes', value, describe });
  }

  strings(value: readonly string[]): DataRef {
    return this.#item({ kind: 'strings', value: [...value] });
  }

  /** `instructions`: struct sock_filter records, 8 bytes each. */
  fprog(instructions: Uint8Array, describe: string): DataRef {
    if (instructions.length === 0 || instructions.length % SOCK_FILTER_SIZE !== 0) {
      throw new Error(`a BPF program is whole ${SOCK_FILTER_SIZE}-byte instructions, got ${instructions.length} bytes`);
    }
    return this.#item({ kind: 'fprog', value: instructions, describe });
  }

  scratch(size: number): DataRef {
    return this.#item({ kind: 'scratch', size });
  }

  /** Appends a step and returns its index (for jumps). */
  step(syscall: SyscallName, args: readonly ArgInput[], options: StepOptions = {}): number {
    if (args.length > 6) throw new Error(`${syscall}: a step takes at most six arguments`);
    const step: Step = {
      syscall,
      nr: syscallNumber(syscall, this.arch),
      args: args.map((arg) => this.#arg(arg)),
      onError: options.onError ?? { policy: 'fail' },
      label: options.label ?? syscall,
      ...(options.result ? { result: options.result.index } : {}),
      ...(options.zeroIsError ? { zeroIsError: true } : {}),
      ...(options.fork ? { fork: true } : {}),
      ...(options.report ? { report: true } : {}),
      ...(options.reexec ? { reexec: true } : {}),
    };
    this.#steps.push(step);
    return this.#steps.length - 1;
  }

  build(): Plan {
    return {
      arch: this.arch,
      steps: [...this.#steps],
      data: [...this.#data],
      slots: [...this.#slots],
    };
  }

  #slot(name: string, input: boolean, fd?: number): SlotRef {
    if (this.#slots.some((slot) => slot.name === name)) throw new Error(`plan slot ${name} defined twice`);
    this.#slots.push(fd === undefined ? { name, input } : { name, input, fd });
    return { kind: 'slot', index: this.#slots.length - 1 };
  }

  #item(item: DataItem): DataRef {
    this.#data.push(item);
    return { kind: 'data', index: this.#data.length - 1 };
  }

  #arg(arg: ArgInput): Arg {
    if (arg === null) return { kind: 'immediate', value: 0n, format: 'hex' };
    if (typeof arg === 'number' || typeof arg === 'bigint') return imm(arg);
    if (typeof arg === 'string') return this.string(arg);
    return arg;
  }
}
