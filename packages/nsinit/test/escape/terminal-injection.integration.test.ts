// A container that was not given a terminal of its own (no `tty: true`) still has the
// caller's terminal on fds 0-2 when nsinit runs from an interactive shell. If that
// terminal were its controlling terminal, root inside could push a command into the
// shell's input with TIOCSTI (issue #10: `touch /tmp/marker` ran as host root when
// nsinit exited) or take the terminal over with TIOCSCTTY. Every process lc starts
// leads a session of its own, so both fail — for the first process and a joined one.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { linuxSystem, O } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { CLI, withContainerDirs } from '../harness.js';

const sys = linuxSystem();
const joinable = process.arch === 'x64' && process.env.LC_EXECUTOR !== 'node';

/** Pushes a command into fd 0's input and tries to take fd 0 as its terminal; prints each errno. */
const INJECT = `
import errno, fcntl, os, termios
results = []
for ch in b'touch /tmp/lc-injected\\n':
    try:
        fcntl.ioctl(0, termios.TIOCSTI, bytes([ch]))
        results.append('injected')
    except OSError as e:
        results.append(errno.errorcode[e.errno])
try:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    results.append('stole the terminal')
except OSError as e:
    results.append(errno.errorcode[e.errno])
print('RESULT', ' '.join(sorted(set(results))), 'sid', os.getsid(0) == os.getpid())
`;

/** nsinit on a terminal the test holds, as its session's controlling tty (an interactive shell's child). */
async function onTerminal(args: readonly string[]): Promise<{ screen: string; code: number | null; pending: string }> {
  const pty = sys.openPty();
  const screen = new ReadStream(pty.master);
  let shown = '';
  screen.setEncoding('utf8');
  screen.on('data', (chunk: string) => {
    shown += chunk;
  });
  screen.on('error', () => {}); // EIO once nothing holds the slave
  const child = spawn('setsid', ['--ctty', process.execPath, CLI, ...args], {
    stdio: [pty.slave, pty.slave, pty.slave],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}) },
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
  // Whatever was pushed into the terminal's input and nobody read: a line waiting for
  // the shell that gets the terminal back.
  const reader = openSync(pty.path, O.RDONLY | O.NOCTTY | O.NONBLOCK | O.CLOEXEC);
  let pending = '';
  try {
    const bytes = Buffer.alloc(256);
    pending = bytes.subarray(0, readSync(reader, bytes)).toString();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
  } finally {
    closeSync(reader);
  }
  closeSync(pty.slave);
  await new Promise<void>((resolve) => {
    screen.once('close', () => resolve());
    screen.destroy();
  });
  return { screen: shown, code, pending };
}

describe.skipIf(!isRoot)(`the caller's terminal (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  it('is never the controlling terminal of the container: TIOCSTI and TIOCSCTTY fail, nothing reaches the shell', async () => {
    const { screen, code, pending } = await onTerminal(['-r', dir, 'exec', 'python3', '-c', INJECT]);
    expect(screen).toContain('RESULT EPERM sid True');
    expect(screen).not.toContain('lc-injected');
    expect(pending).toBe('');
    expect(code).toBe(0);
  });

  it.skipIf(!joinable)('is never the controlling terminal of a joined process either', async () => {
    const pid1 = spawn(process.execPath, [CLI, '-r', dir, 'exec', 'sh', '-c', 'echo up; read line'], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => pid1.stdout!.once('data', () => resolve()));
    const { screen, code, pending } = await onTerminal(['-r', dir, 'exec', 'python3', '-c', INJECT]);
    pid1.stdin!.end('\n');
    await new Promise((resolve) => pid1.once('exit', resolve));
    expect(screen).toContain('RESULT EPERM sid True');
    expect(screen).not.toContain('lc-injected');
    expect(pending).toBe('');
    expect(code).toBe(0);
  });
});
