import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { WindowSize } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { attachTerminal } from './attach-terminal.js';

const MASTER = 5;

/** A stand-in for process.stdin on a terminal: records its raw-mode switches. */
class FakeTerminalStdin extends PassThrough {
  readonly isTTY = true;
  isRaw: boolean;
  readonly modes: boolean[] = [];
  readonly fd: number | undefined;

  constructor(options: { fd?: number; isRaw?: boolean } = {}) {
    super();
    this.fd = options.fd;
    this.isRaw = options.isRaw ?? false;
  }

  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.modes.push(mode);
    return this;
  }
}

/** A stand-in for process.stdout on a terminal. */
class FakeTerminalStdout extends PassThrough {
  readonly isTTY = true;
  constructor(
    readonly fd: number | undefined,
    public rows = 0,
    public columns = 0,
  ) {
    super();
  }
}

function fakeSystem(sizes: Map<number, WindowSize>): FakeSystem {
  const modes = new Map<number, Uint8Array>();
  return new FakeSystem()
    .script('windowSize', (fd) => sizes.get(fd) ?? { rows: 0, columns: 0 })
    .script('setWindowSize', (fd, size) => {
      sizes.set(fd, size);
    })
    .script('terminalMode', (fd) => modes.get(fd) ?? new Uint8Array(36).fill(0xff))
    .script('setTerminalMode', (fd, mode) => {
      modes.set(fd, mode);
    });
}

function setup(options: { stdin?: PassThrough; stdout?: PassThrough; sizes?: Map<number, WindowSize> } = {}) {
  const sizes = options.sizes ?? new Map<number, WindowSize>();
  const sys = fakeSystem(sizes);
  const input = new PassThrough();
  const output = new PassThrough();
  const stdin = options.stdin ?? new PassThrough();
  const stdout = options.stdout ?? new PassThrough();
  const resizeEvents = new EventEmitter();
  const attach = () => attachTerminal({ sys, master: MASTER, streams: { input, output }, stdin, stdout, resizeEvents });
  return { sys, sizes, input, output, stdin, stdout, resizeEvents, attach };
}

function listenerCounts(emitter: EventEmitter): Record<string, number> {
  return Object.fromEntries(emitter.eventNames().map((name) => [String(name), emitter.listenerCount(name)]));
}

function read(stream: PassThrough): string {
  return (stream.read() as Buffer | null)?.toString() ?? '';
}

describe('attachTerminal', () => {
  it('puts a terminal stdin in raw mode until detach, restoring it at exit meanwhile', () => {
    const stdin = new FakeTerminalStdin();
    const { attach } = setup({ stdin });
    const exitListeners = process.listenerCount('exit');
    const attachment = attach();
    expect(stdin.modes).toEqual([true]);
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    attachment.detach();
    attachment.detach();
    expect(stdin.modes).toEqual([true, false]);
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('puts back raw mode if the terminal was raw already; [Symbol.dispose] detaches', () => {
    const stdin = new FakeTerminalStdin({ isRaw: true });
    const attachment = setup({ stdin }).attach();
    attachment[Symbol.dispose]();
    expect(stdin.modes).toEqual([true, true]);
  });

  it('copies the size of a terminal with an fd from the kernel, at attach and at each SIGWINCH', () => {
    const sizes = new Map([[1, { rows: 30, columns: 100 }]]);
    const { attach, resizeEvents, sys } = setup({ stdout: new FakeTerminalStdout(1), sizes });
    const attachment = attach();
    expect(sizes.get(MASTER)).toEqual({ rows: 30, columns: 100 });
    sizes.set(1, { rows: 40, columns: 120 });
    resizeEvents.emit('SIGWINCH');
    expect(sizes.get(MASTER)).toEqual({ rows: 40, columns: 120 });
    attachment.detach();
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(0);
    expect(sys.calls.map((call) => call.method)).toEqual(['windowSize', 'setWindowSize', 'windowSize', 'setWindowSize']);
  });

  it('takes the size from stdin when stdout is no terminal', () => {
    const sizes = new Map([[0, { rows: 50, columns: 132 }]]);
    const { attach } = setup({ stdin: new FakeTerminalStdin({ fd: 0 }), sizes });
    attach().detach();
    expect(sizes.get(MASTER)).toEqual({ rows: 50, columns: 132 });
  });

  it('also turns off output processing (OPOST), which Node\'s raw mode leaves on', () => {
    const { attach, sys } = setup({ stdin: new FakeTerminalStdin({ fd: 0 }) });
    attach().detach();
    const set = sys.calls.find((call) => call.method === 'setTerminalMode');
    expect(set?.args[0]).toBe(0);
    expect(Buffer.from(set?.args[1] as Uint8Array).readUInt32LE(4) & 1).toBe(0);
  });

  it('uses columns and rows of a terminal stdout that has no fd', () => {
    const { attach, sizes } = setup({ stdout: new FakeTerminalStdout(undefined, 33, 99) });
    attach().detach();
    expect(sizes.get(MASTER)).toEqual({ rows: 33, columns: 99 });
  });

  it('gives an unsized pty 24x80 when the caller has no terminal, and listens to no resize', () => {
    const { attach, sizes, resizeEvents } = setup();
    const attachment = attach();
    expect(sizes.get(MASTER)).toEqual({ rows: 24, columns: 80 });
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(0);
    attachment.detach();
  });

  it('leaves a size someone set when the caller has no terminal', () => {
    const sizes = new Map([[MASTER, { rows: 10, columns: 20 }]]);
    const { attach, sys } = setup({ sizes });
    attach().detach();
    expect(sys.calls.map((call) => call.method)).toEqual(['windowSize']);
    expect(sizes.get(MASTER)).toEqual({ rows: 10, columns: 20 });
  });

  it('relays both ways, ends input at the end of a stdin that is no terminal, never ends stdout', async () => {
    const { attach, stdin, input, output, stdout } = setup();
    const attachment = attach();
    const inputEnded = new Promise((resolve) => input.once('finish', resolve));
    stdin.end('keys');
    await inputEnded;
    expect(read(input)).toBe('keys');
    output.end('screen');
    await attachment.done;
    expect(read(stdout)).toBe('screen');
    expect(stdout.writableEnded).toBe(false);
  });

  it('does not end input when a terminal stdin ends', async () => {
    const stdin = new FakeTerminalStdin();
    const { attach, input, output } = setup({ stdin });
    const attachment = attach();
    stdin.end('typed');
    await new Promise((resolve) => stdin.once('end', resolve));
    expect(read(input)).toBe('typed');
    expect(input.writableEnded).toBe(false);
    output.end();
    await attachment.done;
  });

  it('detaches itself at the end of the output, leaving no listener and a paused stdin', async () => {
    const stdin = new FakeTerminalStdin({ fd: 0 });
    const { attach, input, output, stdout, resizeEvents } = setup({ stdin });
    const streams = { stdin, input, output, stdout };
    const before = Object.fromEntries(Object.entries(streams).map(([name, stream]) => [name, listenerCounts(stream)]));
    const exitListeners = process.listenerCount('exit');
    const attachment = attach();
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(1);
    output.end();
    await attachment.done;
    expect(Object.fromEntries(Object.entries(streams).map(([name, stream]) => [name, listenerCounts(stream)]))).toEqual(before);
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(0);
    expect(process.listenerCount('exit')).toBe(exitListeners);
    expect(stdin.isPaused()).toBe(true);
    expect(stdin.modes).toEqual([true, false]);
  });

  it('resolves done only once what it wrote to stdout was flushed', async () => {
    const pending: (() => void)[] = [];
    const written: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        pending.push(() => callback());
      },
    });
    const { sys, input, output, stdin, resizeEvents } = setup();
    const attachment = attachTerminal({ sys, master: MASTER, streams: { input, output }, stdin, stdout, resizeEvents });
    let resolved = false;
    void attachment.done.then(() => {
      resolved = true;
    });
    output.end('last bytes');
    await new Promise((resolve) => output.once('end', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['last bytes']);
    expect(resolved).toBe(false);
    while (pending.length > 0) pending.shift()?.();
    await attachment.done;
    expect(resolved).toBe(true);
  });

  it('rejects done when the output fails, and detaches', async () => {
    const stdin = new FakeTerminalStdin();
    const { attach, output } = setup({ stdin });
    const attachment = attach();
    output.destroy(new Error('read EBADF'));
    await expect(attachment.done).rejects.toThrow('read EBADF');
    expect(stdin.modes).toEqual([true, false]);
  });

  it('does nothing with an output that already ended: its master is closed', async () => {
    const stdin = new FakeTerminalStdin();
    const { attach, output, sys } = setup({ stdin });
    output.destroy();
    await attach().done;
    expect(stdin.modes).toEqual([]);
    expect(sys.calls).toEqual([]);
  });
});
