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
  statvfs: 'int statvfs(const char *path, void *buf)',
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
