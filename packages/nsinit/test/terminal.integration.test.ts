// `tty: true` through the library: the handle's stdin and stdout are the pty master's
// streams, `terminal.resize()` reaches the container's terminal, and the master is
// closed once the output has ended (no fd left behind).
import { readdirSync } from 'node:fs';
import { create, defaultExecutor } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import {
  readAll,
  waitForOutput,
  withContainerDirs,
} from './harness.js';

const openFds = () => readdirSync('/proc/self/fd').length;

describe.skipIf(!isRoot)(`a container with a terminal, from the library (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  }, { tty: true });

  it('talks to a shell through the master, resizes it, and closes the master after the output', async () => {
    const fds = openFds();
    const container = await create(dir, ['sh']);
    expect(container.terminal).not.toBeNull();
    expect(container.stderr).toBeNull();
    container.terminal!.resize({ rows: 33, columns: 99 });
    container.stdin!.write('echo "$(stty size) $(tty)" | tr " " :; exit 7\n');
    await waitForOutput(container.stdout!, '33:99:/dev/console');
    expect(await container.wait()).toEqual({ exitCode: 7, signal: null });
    await readAll(container.stdout);
    expect(openFds()).toBe(fds);
  });

  it.skipIf(process.arch !== 'x64' || defaultExecutor() !== 'native')('gives a joined process a pty of its own', async () => {
    const container = await create(dir, ['sh']);
    try {
      const joined = await container.exec(['sh', '-c', '[ -t 0 ] && echo "joined on a tty"; readlink /proc/self/fd/0']);
      expect(joined.terminal).not.toBeNull();
      expect(joined.terminal!.fd).not.toBe(container.terminal!.fd);
      const output = await readAll(joined.stdout);
      expect(output).toMatch(/^joined on a tty\r\n\/dev\/pts\/\d+\r\n$/);
      expect(await joined.wait()).toEqual({ exitCode: 0, signal: null });
    } finally {
      container.stdin!.end('exit\n');
      await container.wait();
    }
  });
});
