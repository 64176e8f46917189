// terminalStreams on real ptys: a process on the slave stands for the container.
import { closeSync, existsSync, writeSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { terminalStreams } from '../src/index.js';
import { containerOnPty, exited, openFdCount, readToClose, readUntil, sys } from './ptys.js';

beforeAll(() => {
  // Loads libc and lets Node open what it opens once (the SIGCHLD pipe) before counting.
  const pty = sys.openPty();
  sys.close(pty.master);
  sys.close(pty.slave);
  return exited(containerOnPty(sys.openPty(), 'true'));
});

describe('terminalStreams', () => {
  it('holds output until it is read, then ends without an error and closes the master', async () => {
    const before = openFdCount();
    const pty = sys.openPty();
    const { output } = terminalStreams(pty.master, sys);
    writeSync(pty.slave, 'written before anyone reads\n');
    closeSync(pty.slave);
    // The container is gone before the output is read: the kernel holds it.
    const { bytes, errors } = await readToClose(output);
    expect(bytes.toString()).toBe('written before anyone reads\r\n');
    expect(errors).toEqual([]);
    expect(output.readableEnded).toBe(true);
    expect(existsSync(`/proc/self/fd/${pty.master}`)).toBe(false);
    expect(openFdCount()).toBe(before);
  });

  it('reads all a container wrote before it exited, more than one read(2) of it', async () => {
    // libuv stops at the first short read once the slave is closed (4095 of these
    // 8000 bytes): master-stream.ts reads the rest.
    const pty = sys.openPty();
    await exited(containerOnPty(pty, 'head -c 8000 /dev/zero'));
    const { output } = terminalStreams(pty.master, sys);
    const { bytes, errors } = await readToClose(output);
    expect(bytes.length).toBe(8000);
    expect(errors).toEqual([]);
  });

  it('takes input to the container, and ends it with VEOF: a cat exits', async () => {
    const before = openFdCount();
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'exec cat');
    const { input, output } = terminalStreams(pty.master, sys);
    input.write('hello\n');
    // The terminal echoes the line, then cat writes it: ONLCR makes \n \r\n.
    await readUntil(output, 'hello\r\nhello\r\n');
    const finished = new Promise((resolve) => input.once('finish', resolve));
    input.end();
    await finished;
    expect(await exited(cat)).toBe(0);
    expect((await readToClose(output)).errors).toEqual([]);
    expect(openFdCount()).toBe(before);
  });

  it('sends VEOF twice after a partial line: the first only hands the line over', async () => {
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'stty -echo; echo ready; exec cat');
    const { input, output } = terminalStreams(pty.master, sys);
    await readUntil(output, 'ready\r\n');
    input.end('no newline');
    const { bytes } = await readToClose(output);
    expect(bytes.toString()).toBe('no newline');
    expect(await exited(cat)).toBe(0);
  });

  it('writes a megabyte through a cat without blocking the event loop or losing a byte', async () => {
    // Written through the tty.ReadStream, this deadlocks at about 60 KB: libuv writes a
    // master with blocking write(2) on the loop, so the output cat waits on is never read.
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'stty -echo; echo ready; exec cat');
    const { input, output } = terminalStreams(pty.master, sys);
    await readUntil(output, 'ready\r\n');
    const line = `${'x'.repeat(99)}\n`;
    input.end(line.repeat(10_000));
    const { bytes } = await readToClose(output);
    expect(bytes.length).toBe(10_000 * 101); // each \n became \r\n
    expect(await exited(cat)).toBe(0);
  });

  it('drops input the container will never read once it exited, and leaves nothing open', async () => {
    const before = openFdCount();
    const pty = sys.openPty();
    const reader = containerOnPty(pty, 'stty raw -echo; echo ready; head -c 10 >/dev/null');
    const { input, output } = terminalStreams(pty.master, sys);
    await readUntil(output, 'ready');
    const finished = new Promise((resolve) => input.once('finish', resolve));
    input.end(Buffer.alloc(300_000, 'a')); // more than the pty holds: the rest waits for room
    const { errors } = await readToClose(output);
    await finished;
    expect(errors).toEqual([]);
    expect(await exited(reader)).toBe(0);
    expect(openFdCount()).toBe(before);
  });

  it('closes the master when the output is destroyed while the container still runs', async () => {
    const before = openFdCount();
    const pty = sys.openPty();
    const cat = containerOnPty(pty, 'exec cat');
    const { input, output } = terminalStreams(pty.master, sys);
    const closed = new Promise((resolve) => output.once('close', resolve));
    output.destroy();
    await closed;
    expect(openFdCount()).toBe(before);
    input.end('dropped\n'); // the master is closed: input goes nowhere, and no error
    await new Promise((resolve) => input.once('finish', resolve));
    cat.kill();
    await exited(cat);
  });
});
