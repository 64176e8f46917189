// attachTerminal between two real ptys: the user's terminal (the test types into its
// master and reads the screen from it; the attachment gets its slave as stdin and
// stdout) and the container's (a process on its slave, the streams on its master).
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachTerminal, terminalStreams } from '../src/index.js';
import { containerOnPty, exited, openFdCount, readToClose, readUntil, sys, userTerminal } from './ptys.js';

beforeAll(() => {
  // Loads libc and lets Node open what it opens once (the SIGCHLD pipe) before counting.
  const pty = sys.openPty();
  sys.close(pty.master);
  sys.close(pty.slave);
  return exited(containerOnPty(sys.openPty(), 'true'));
});

function stty(fd: number, ...args: string[]): string {
  const result = spawnSync('stty', args, { stdio: [fd, 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`stty ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout.toString().trim();
}

function closedStream(stream: Readable): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

describe('attachTerminal', () => {
  it("puts the user's terminal in raw mode while attached, and back as it was after detach", async () => {
    const before = openFdCount();
    const user = userTerminal();
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'exec cat');
    const streams = terminalStreams(pty.master, sys);
    const mode = stty(user.pty.slave, '-g');
    const exitListeners = process.listenerCount('exit');

    const attachment = attachTerminal({ sys, master: pty.master, streams, stdin: user.stdin, stdout: user.stdout, resizeEvents: new EventEmitter() });
    expect(user.stdin.isRaw).toBe(true);
    expect(stty(user.pty.slave, '-a')).toMatch(/-icanon .*-echo /s);
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);

    attachment.detach();
    expect(stty(user.pty.slave, '-g')).toBe(mode);
    expect(user.stdin.isRaw).toBe(false);
    expect(process.listenerCount('exit')).toBe(exitListeners);

    streams.input.end();
    await readToClose(streams.output);
    expect(await exited(cat)).toBe(0);
    await user.close();
    expect(openFdCount()).toBe(before);
  });

  it('relays what the user types to the container and its output to the screen, until it exits', async () => {
    const before = openFdCount();
    const user = userTerminal();
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'exec cat');
    const streams = terminalStreams(pty.master, sys);
    const resizeEvents = new EventEmitter();
    const mode = stty(user.pty.slave, '-g');
    const attachment = attachTerminal({ sys, master: pty.master, streams, stdin: user.stdin, stdout: user.stdout, resizeEvents });

    // Typed in raw mode, Enter is a \r; the container's terminal makes it \n, echoes
    // the line, and cat writes it back.
    writeSync(user.pty.master, 'ping\r');
    expect(await readUntil(user.screen, /ping[\s\S]*ping/)).toMatch(/^ping\r\r?\nping\r\r?\n$/);
    // ^D typed at the start of a line: cat reads end of file and exits.
    writeSync(user.pty.master, '\x04');
    await attachment.done;
    expect(await exited(cat)).toBe(0);

    // It detached itself: the user's terminal is as it was, and nothing stays behind.
    expect(stty(user.pty.slave, '-g')).toBe(mode);
    expect(user.stdin.isPaused()).toBe(true);
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(0);
    expect(user.stdout.writableEnded).toBe(false);
    await closedStream(streams.output);
    await user.close();
    expect(openFdCount()).toBe(before);
  });

  it("copies the user's window size to the container's terminal at attach and at each SIGWINCH", async () => {
    const user = userTerminal();
    sys.setWindowSize(user.pty.master, { rows: 30, columns: 100 });
    const pty = sys.openPty(); // the test keeps the slave, to read the container's size
    const streams = terminalStreams(pty.master, sys);
    const resizeEvents = new EventEmitter();
    const attachment = attachTerminal({ sys, master: pty.master, streams, stdin: user.stdin, stdout: user.stdout, resizeEvents });
    expect(sys.windowSize(pty.slave)).toEqual({ rows: 30, columns: 100 });

    sys.setWindowSize(user.pty.master, { rows: 40, columns: 120 });
    resizeEvents.emit('SIGWINCH');
    expect(sys.windowSize(pty.slave)).toEqual({ rows: 40, columns: 120 });

    attachment.detach();
    expect(resizeEvents.listenerCount('SIGWINCH')).toBe(0);
    sys.setWindowSize(user.pty.master, { rows: 50, columns: 132 });
    resizeEvents.emit('SIGWINCH');
    expect(sys.windowSize(pty.slave)).toEqual({ rows: 40, columns: 120 });

    sys.close(pty.slave);
    await readToClose(streams.output);
    await user.close();
  });

  it('with pipes instead of a terminal: no raw mode, 24x80, and the end of stdin ends a cat', async () => {
    const before = openFdCount();
    const exitListeners = process.listenerCount('exit');
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'exec cat');
    const streams = terminalStreams(pty.master, sys);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const screen: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => screen.push(chunk));
    const attachment = attachTerminal({ sys, master: pty.master, streams, stdin, stdout, resizeEvents: new EventEmitter() });
    expect(sys.windowSize(pty.master)).toEqual({ rows: 24, columns: 80 });
    expect(process.listenerCount('exit')).toBe(exitListeners);

    stdin.end('hello\n'); // then VEOF, at the start of a line
    await attachment.done;
    expect(await exited(cat)).toBe(0);
    expect(Buffer.concat(screen).toString()).toBe('hello\r\nhello\r\n'); // the echo, then cat
    expect(stdout.writableEnded).toBe(false);
    await closedStream(streams.output);
    expect(openFdCount()).toBe(before);
  });
});
