// Every libc function lc calls, in one table, bound on first use: importing
// @lc/system loads nothing. All calls are synchronous on the calling thread, which
// is what namespace and credential calls need (their state is per thread).
import { createRequire } from 'node:module';
import type Koffi from 'koffi';

const PROTOTYPES = {
  syscall: 'long syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)',
  pipe2: 'int pipe2(_Out_ int *fds, int flags)',
  close: 'int close(int fd)',
  unshare: 'int unshare(int flags)',
  setns: 'int setns(int fd, int nstype)',
  flock: 'int flock(int fd, int operation)',
  mmap: 'void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)',
  mprotect: 'int mprotect(void *addr, size_t length, int prot)',
  munmap: 'int munmap(void *addr, size_t length)',
} as const;

type Name = keyof typeof PROTOTYPES;
type Bound = (...args: unknown[]) => unknown;

let koffiModule: typeof Koffi | undefined;
let library: ReturnType<typeof Koffi.load> | undefined;

function koffi(): typeof Koffi {
  // Loaded on first use: importing @lc/system must not load a native addon.
  koffiModule ??= createRequire(import.meta.url)('koffi') as typeof Koffi;
  return koffiModule;
}
const bound = new Map<Name, Bound>();

export function libc(name: Name): Bound {
  let fn = bound.get(name);
  if (!fn) {
    library ??= koffi().load('libc.so.6');
    fn = library.func(PROTOTYPES[name]) as Bound;
    bound.set(name, fn);
  }
  return fn;
}

/** errno of the last failed call on this thread; read it right after the call. */
export function lastErrno(): number {
  return koffi().errno();
}

export function addressOf(buffer: Uint8Array): bigint {
  return koffi().address(buffer);
}

const PROT_READ = 0x1;
const PROT_WRITE = 0x2;
const PROT_EXEC = 0x4;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;

/**
 * Copies machine code into fresh memory that is made executable (and no longer
 * writable), and returns it as a function of one 64-bit argument. The memory is
 * never unmapped: it is mapped once per process.
 */
export function loadMachineCode(code: Uint8Array): (argument: bigint) => bigint {
  const k = koffi();
  const memory = libc('mmap')(null, code.length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (k.address(memory) === 0xffffffffffffffffn) throw new Error(`mmap of ${code.length} bytes failed: errno ${lastErrno()}`);
  new Uint8Array(k.view(memory, code.length)).set(code);
  if (libc('mprotect')(memory, code.length, PROT_READ | PROT_EXEC) !== 0) {
    throw new Error(`mprotect of the native executor failed: errno ${lastErrno()}`);
  }
  const prototype = k.proto('int64_t lc_native_entry(uint64_t argument)');
  return (argument) => BigInt(k.call(memory, prototype, argument) as number | bigint);
}

/** Anonymous memory at an address the caller can name to another process (mapMemory). */
export interface MappedMemory {
  readonly address: bigint;
  /** A view of the memory: never touch it after `unmap`. */
  readonly bytes: Buffer;
  unmap(): void;
}

/**
 * Maps `size` bytes of zeroed memory, at `hint` when that range is free (the kernel
 * takes a hint that collides with nothing; otherwise it chooses).
 */
export function mapMemory(size: number, hint: bigint): MappedMemory {
  const k = koffi();
  const memory = libc('mmap')(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const address = k.address(memory) as bigint;
  if (address === 0xffffffffffffffffn) throw new Error(`mmap of ${size} bytes failed: errno ${lastErrno()}`);
  let mapped = true;
  return {
    address,
    bytes: Buffer.from(k.view(memory, size) as ArrayBuffer),
    unmap: () => {
      if (!mapped) return;
      mapped = false;
      libc('munmap')(memory, size);
    },
  };
}

export interface PollHandle {
  close(): void;
}

/** Calls `onReadable` on the main thread whenever `fd` is readable (a libuv poll). */
export function pollReadable(fd: number, onReadable: () => void): PollHandle {
  const handle = koffi().node.poll(fd, { readable: true }, () => onReadable());
  return { close: () => handle.close() };
}
