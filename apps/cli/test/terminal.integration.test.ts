// `tty: true` end to end, the way a user meets it: the test holds a pty master as a
// terminal emulator would, nsinit runs on its slave as the session's controlling
// process (setsid --ctty), and the test types into a shell inside the container and
// reads what it answers.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { linuxSystem, type Pty } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLI,
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  removeAllContainerDirs,
  removeContainerDir,
  runCli,
} from '../../../packages/nsinit/test/harness.js';

const sys = linuxSystem();
const joinable = process.arch === 'x64' && process.env.LC_EXECUTOR !== 'node';

/** A terminal: the test's side is the master; nsinit gets the slave as its stdio and controlling tty. */
class TestTerminal {
  readonly pty: Pty = sys.openPty();
  readonly #stream = new ReadStream(this.pty.master);
  #seen = '';
  #waiters = new Set<() => void>();

  constructor(size = { rows: 30, columns: 100 }) {
    sys.setWindowSize(this.pty.master, size);
    this.#stream.setEncoding('utf8');
    this.#stream.on('data', (chunk: string) => {
      this.#seen += chunk;
      for (const waiter of this.#waiters) waiter();
    });
    // EIO once nothing holds the slave any more: the terminal was closed.
    this.#stream.on('error', () => {});
  }

  /** Everything the terminal showed so far. */
  get seen(): string {
    return this.#seen;
  }

  type(text: string): void {
    this.#stream.write(text);
  }

  /** Resolves with the first match of `pattern` in what was shown after `from`. */
  waitFor(pattern: RegExp, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.#seen.slice(from).match(pattern);
        if (!match) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(match);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${pattern} on the terminal; it showed ${JSON.stringify(this.#seen.slice(from))}`));
      }, 10_000);
      this.#waiters.add(check);
      check();
    });
  }

  /** Types `command` and resolves with what it printed between two markers. */
  async run(command: string): Promise<string> {
    const id = Math.random().toString(36).slice(2, 8);
    const from = this.#seen.length;
    // The markers are split in what is typed ("<"'id'), so the echo of the typed line
    // never matches: only the shell's output does.
    this.type(`echo "<""${id}"; ${command}; echo "${id}"">"\r`);
    // The container's pty turns \n into \r\n (ONLCR); the caller's terminal, raw as
    // cfmakeraw makes it, passes that on untouched (never \r\r\n).
    const match = await this.waitFor(new RegExp(`<${id}\\r\\n([\\s\\S]*?)${id}>`), from);
    expect(match[1]).not.toMatch(/\r\r/);
    return match[1]!.replace(/\r\n/g, '\n');
  }

  /** The slave's termios, as `stty -g` prints it: what nsinit must leave as it found. */
  mode(): string {
    return spawnSync('stty', ['-g'], { stdio: [this.pty.slave, 'pipe', 'pipe'], encoding: 'utf8' }).stdout.trim();
  }

  close(): void {
    this.#stream.destroy();
    sys.close(this.pty.slave);
  }
}

interface TerminalCli {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** nsinit with the terminal as its stdio, leading a session whose controlling tty it is. */
function startOnTerminal(terminal: TestTerminal, dir: string, args: readonly string[]): TerminalCli {
  const { slave } = terminal.pty;
  const child = spawn('setsid', ['--ctty', process.execPath, CLI, '-r', dir, 'exec', ...args], {
    stdio: [slave, slave, slave],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}

/** The container's PID 1 on the host, from the record nsinit keeps. */
function containerPid(dir: string): number {
  return Number(readFileSync(join(dir, 'pid'), 'utf8'));
}

describe.skipIf(!isRoot)(`an interactive container (tty: true) driven through a pty (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;
  const terminals: TestTerminal[] = [];
  const clis: TerminalCli[] = [];

  function terminal(size?: { rows: number; columns: number }): TestTerminal {
    const made = new TestTerminal(size);
    terminals.push(made);
    return made;
  }

  function start(on: TestTerminal, args: readonly string[]): TerminalCli {
    const cli = startOnTerminal(on, dir, args);
    clis.push(cli);
    return cli;
  }

  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir({ tty: true });
  });

  afterEach(async () => {
    for (const cli of clis.splice(0)) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      await cli.exited;
    }
    for (const made of terminals.splice(0)) made.close();
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });

  afterAll(removeAllContainerDirs);

  it('runs a shell with the terminal as its controlling tty, in raw mode on the caller side, and restores it', async () => {
    const term = terminal();
    const cooked = term.mode();
    const cli = start(term, ['sh']);
    expect(await term.run('echo $((6 * 7))')).toBe('42\n');
    // The caller's terminal is raw while the container runs: ^C is a byte for the container.
    expect(term.mode()).not.toBe(cooked);
    expect(await term.run('[ -t 0 ] && [ -t 1 ] && echo tty; tty')).toBe('tty\n/dev/console\n');
    // /dev/console is the container root's alone.
    expect(await term.run('stat -c "%a %u %g" /dev/console')).toBe('600 0 0\n');
    // Job control: `cat` runs in a process group of its own, the terminal's foreground
    // group (stat fields 5 pgrp, 7 tty_nr, 8 tpgid), and the shell leads the session.
    const [, , , , pgrp, session, ttyNr, tpgid] = (await term.run('cat /proc/self/stat')).split(' ');
    expect(Number(ttyNr)).not.toBe(0);
    expect(tpgid).toBe(pgrp);
    expect(await term.run('ps -o tty= -p $$')).toBe('console\n');
    expect(session).toBe((await term.run('echo $$')).trim());
    // ^C interrupts the foreground job, not the shell.
    const from = term.seen.length;
    // The job says so once it runs in the foreground (the shell made its process group
    // the terminal's before it execs): a ^C sooner would reach the shell instead.
    term.type(`sh -c 'echo "in the"" foreground"; exec sleep 100'\r`);
    await term.waitFor(/in the foreground/, from);
    term.type('\x03');
    expect(await term.run('echo after')).toBe('after\n');
    term.type('exit 3\r');
    expect(await cli.exited).toEqual({ code: 3, signal: null });
    expect(term.mode()).toBe(cooked);
  });

  it('gives the container the terminal size at the start and on every resize (SIGWINCH)', async () => {
    const term = terminal({ rows: 30, columns: 100 });
    const cli = start(term, ['sh']);
    expect(await term.run('stty size')).toBe('30 100\n');
    sys.setWindowSize(term.pty.master, { rows: 40, columns: 120 });
    // The resize reaches nsinit as SIGWINCH, asynchronously to what is typed next: ask
    // until the container sees it (each answer is a round trip, not a sleep).
    let size = '';
    for (let attempt = 0; attempt < 50 && size !== '40 120\n'; attempt++) size = await term.run('stty size');
    expect(size).toBe('40 120\n');
    term.type('exit\r');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('restores the terminal when the container is killed', async () => {
    const term = terminal();
    const cooked = term.mode();
    const cli = start(term, ['sh']);
    await term.run('true');
    process.kill(containerPid(dir), 'SIGKILL');
    expect(await cli.exited).toEqual({ code: 137, signal: null });
    expect(term.mode()).toBe(cooked);
  });

  it('leaves the terminal as it was when starting fails', async () => {
    const term = terminal();
    const cooked = term.mode();
    const cli = start(term, ['/no/such/program']);
    expect(await cli.exited).toEqual({ code: 125, signal: null });
    expect(term.seen).toMatch(/nsinit: exec \/no\/such\/program: ENOENT/);
    expect(term.mode()).toBe(cooked);
  });

  it('gets out on a second SIGINT when the container ignores the first, leaving the terminal as it was', async () => {
    const term = terminal();
    const cooked = term.mode();
    // PID 1 handles SIGINT by saying so and going on (`wait` returns to the loop).
    const script = 'trap "echo got INT" INT; echo ready; while :; do sleep 100 & wait $!; done';
    const cli = start(term, ['sh', '-c', script]);
    await term.waitFor(/ready/);
    // Two signals sent at once would merge into one pending SIGINT: the second goes
    // once the container has seen the first.
    cli.child.kill('SIGINT');
    await term.waitFor(/got INT/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 137, signal: null });
    expect(term.mode()).toBe(cooked);
  });

  it.skipIf(!joinable)('gives a joined process a terminal of its own', async () => {
    const first = terminal();
    const pid1 = start(first, ['sh']);
    const pid1Console = await first.run('readlink /proc/self/fd/0');
    const second = terminal();
    const joined = start(second, ['sh']);
    await second.waitFor(/# $/);
    expect(await second.run('echo $$')).not.toBe('1\n');
    expect(await second.run('[ -t 0 ] && echo tty')).toBe('tty\n');
    // Its pty is the container's own (its devpts), as `docker exec -t` gives.
    expect(await second.run('readlink /proc/self/fd/0; tty')).toMatch(/^(\/dev\/pts\/\d+)\n\1\n$/);
    expect(await second.run('ps -o tty= -p $$')).toMatch(/^pts\/\d+\n$/);
    expect(pid1Console).toBe('/dev/console\n');
    const [, , , , pgrp, , ttyNr, tpgid] = (await second.run('cat /proc/self/stat')).split(' ');
    expect(Number(ttyNr)).not.toBe(0);
    expect(tpgid).toBe(pgrp);
    second.type('exit 5\r');
    expect(await joined.exited).toEqual({ code: 5, signal: null });
    first.type('exit\r');
    expect(await pid1.exited).toEqual({ code: 0, signal: null });
  });

  it('makes an interactive container directory with `rootfs --tty`', async () => {
    const made = join(dir, 'made');
    expect((await runCli(undefined, ['rootfs', '--tty', made])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(made, 'container.json'), 'utf8'))).toMatchObject({ tty: true });
    const result = await runCli(made, ['exec', 'sh', '-c', 'tty'], { input: '' });
    expect(result).toMatchObject({ code: 0, stdout: '/dev/console\r\n' });
  });

  it('relays pipes through the pty when the caller has no terminal', async () => {
    const result = await runCli(dir, ['exec', 'sh'], { input: 'echo piped-$((1 + 1)); [ -t 0 ] && echo tty\nexit 4\n' });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toContain('piped-2');
    expect(result.stdout).toContain('tty');
  });
});
