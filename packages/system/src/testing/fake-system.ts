// A recording fake of `System` for unit tests. File lookups are answered from an
// in-memory tree the test describes; every other call must be scripted, or it
// throws. Failures can be injected: `failNext('mount', 'EPERM')`, or at the n-th
// recorded call with `failAt(n, 'EPERM')`.
import { errnoNumber } from '../errno.js';
import type { NativeChild, NativeLaunchInput } from '../native/native-launch.js';
import { SysError } from '../sys-error.js';
import type { Arch } from '../syscall-numbers.js';
import type { FileInfo, FileType, NamespaceFile, ProcessExit, Pty, System, WindowSize } from '../system.js';

export type FakeFile =
  | { readonly type: 'directory'; readonly mode?: number }
  | { readonly type: 'file'; readonly content?: string; readonly mode?: number }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: Exclude<FileType, 'directory' | 'file' | 'symlink'>; readonly mode?: number };

export interface FakeCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface FakeSystemOptions {
  readonly arch?: Arch;
  readonly files?: Readonly<Record<string, FakeFile | string>>;
  readonly capLastCap?: number;
}

type Scripted = (...args: never[]) => unknown;

export class FakeSystem implements System {
  readonly arch: Arch;
  readonly calls: FakeCall[] = [];
  readonly #files = new Map<string, FakeFile>();
  readonly #scripts = new Map<string, Scripted>();
  readonly #failNext = new Map<string, number[]>();
  readonly #failAt = new Map<number, number>();
  readonly #capLastCap: number;
  #nextAddress = 0x10000n;
  readonly #addresses = new WeakMap<Uint8Array, bigint>();

  constructor(options: FakeSystemOptions = {}) {
    this.arch = options.arch ?? 'x64';
    this.#capLastCap = options.capLastCap ?? 40;
    for (const [path, file] of Object.entries(options.files ?? {})) this.addFile(path, file);
  }

  /** Adds a file; a string is a regular file with that content. Parents become directories. */
  addFile(path: string, file: FakeFile | string): void {
    this.#files.set(path, typeof file === 'string' ? { type: 'file', content: file } : file);
  }

  /** Answers calls of `method` with `impl` instead of throwing. */
  script<K extends keyof System>(method: K, impl: System[K]): this {
    this.#scripts.set(method, impl as Scripted);
    return this;
  }

  /** The next call of `method` fails with `code`. */
  failNext(method: string, code: string): this {
    const queue = this.#failNext.get(method) ?? [];
    queue.push(errnoNumber(code));
    this.#failNext.set(method, queue);
    return this;
  }

  /** The call recorded at position `index` (0-based, across methods) fails with `code`. */
  failAt(index: number, code: string): this {
    this.#failAt.set(index, errnoNumber(code));
    return this;
  }

  lstat(path: string): FileInfo {
    return this.#record('lstat', [path], () => {
      const file = this.#lookup(path);
      return { type: file.type, mode: 'mode' in file && file.mode !== undefined ? file.mode : 0o755, uid: 0, gid: 0 };
    });
  }

  readlink(path: string): string {
    return this.#record('readlink', [path], () => {
      const file = this.#lookup(path);
      if (file.type !== 'symlink') throw new SysError('readlink', errnoNumber('EINVAL'), { path });
      return file.target;
    });
  }

  readFile(path: string): string {
    return this.#record('readFile', [path], () => {
      const file = this.#lookup(path);
      if (file.type === 'directory') throw new SysError('read', errnoNumber('EISDIR'), { path });
      if (file.type !== 'file') throw new SysError('open', errnoNumber('EINVAL'), { path });
      return file.content ?? '';
    });
  }

  capLastCap(): number {
    return this.#record('capLastCap', [], () => this.#capLastCap);
  }

  pipe(): [number, number] {
    return this.#scripted('pipe', []);
  }
  close(fd: number): void {
    this.#scripted('close', [fd]);
  }
  openNamespace(pid: number | 'self', kind: NamespaceFile): number {
    return this.#scripted('openNamespace', [pid, kind]);
  }
  unshare(flags: number): void {
    this.#scripted('unshare', [flags]);
  }
  setns(fd: number, nstype: number): void {
    this.#scripted('setns', [fd, nstype]);
  }
  flock(fd: number, operation: number): void {
    this.#scripted('flock', [fd, operation]);
  }
  syscall(name: string, nr: number, args: readonly bigint[]): bigint {
    return this.#scripted('syscall', [name, nr, args]);
  }

  launchNative(input: NativeLaunchInput): NativeChild {
    return this.#scripted('launchNative', [input]);
  }
  reapPidfd(pidfd: number): ProcessExit | undefined {
    return this.#scripted('reapPidfd', [pidfd]);
  }
  pidfdOpen(pid: number): number {
    return this.#scripted('pidfdOpen', [pid]);
  }
  signalPidfd(pidfd: number, signal: number): void {
    this.#scripted('signalPidfd', [pidfd, signal]);
  }
  openPty(root?: string): Pty {
    return this.#scripted('openPty', root === undefined ? [] : [root]);
  }

  terminalMode(fd: number): Uint8Array {
    return this.#scripted('terminalMode', [fd]);
  }

  setTerminalMode(fd: number, mode: Uint8Array): void {
    this.#scripted('setTerminalMode', [fd, mode]);
  }

  windowSize(fd: number): WindowSize {
    return this.#scripted('windowSize', [fd]);
  }

  setWindowSize(fd: number, size: WindowSize): void {
    this.#scripted('setWindowSize', [fd, size]);
  }

  watchReadable(fd: number, onReadable: () => void): { close(): void } {
    return this.#scripted('watchReadable', [fd, onReadable]);
  }

  addressOf(buffer: Uint8Array): bigint {
    // Stable fake addresses, so recorded syscall arguments are deterministic.
    let address = this.#addresses.get(buffer);
    if (address === undefined) {
      address = this.#nextAddress;
      this.#nextAddress += 0x1000n;
      this.#addresses.set(buffer, address);
    }
    return address;
  }

  #lookup(path: string): FakeFile {
    const file = this.#files.get(path);
    if (file) return file;
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const known of this.#files.keys()) if (known.startsWith(prefix)) return { type: 'directory' };
    throw new SysError('lstat', errnoNumber('ENOENT'), { path });
  }

  #scripted<T>(method: string, args: unknown[]): T {
    return this.#record(method, args, () => {
      const impl = this.#scripts.get(method);
      if (!impl) throw new Error(`fake system: unscripted call ${method}(${args.map(show).join(', ')})`);
      return (impl as (...a: unknown[]) => T)(...args);
    });
  }

  #record<T>(method: string, args: unknown[], run: () => T): T {
    const index = this.calls.length;
    this.calls.push({ method, args });
    const injected = this.#failAt.get(index) ?? this.#failNext.get(method)?.shift();
    if (injected !== undefined) {
      const name = method === 'syscall' ? String(args[0]) : method;
      throw new SysError(name, injected);
    }
    return run();
  }
}

function show(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
}
