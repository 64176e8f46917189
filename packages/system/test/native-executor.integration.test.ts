// The native executor on the real kernel: every error policy and flag of the step
// records, as the interpreter in native/x86_64/executor.S runs them.
import { openSync, readdirSync, readFileSync, readlinkSync, readSync, writeSync } from 'node:fs';
import { isRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import {
  CLONE,
  CLONE_CLEAR_SIGHAND,
  CLOSE_RANGE_CLOEXEC,
  errnoNumber,
  linuxSystem,
  type Plan,
  PlanBuilder,
  REPORT_FLAG,
  SIGNALS,
  steps,
} from '../src/index.js';

const sys = linuxSystem();
const FLAGS = BigInt(CLONE.VM | CLONE.PIDFD) | CLONE_CLEAR_SIGHAND;

/** How the process behind `pidfd` ended (the pidfd is closed then). */
function exitOf(pidfd: number) {
  return new Promise<ReturnType<typeof sys.reapPidfd>>((resolve) => {
    const watcher = sys.watchReadable(pidfd, () => {
      const end = sys.reapPidfd(pidfd);
      if (!end) return;
      watcher.close();
      sys.close(pidfd);
      resolve(end);
    });
  });
}

/** Runs `plan` in a native child; returns its exit and the error record it wrote, if any. */
async function runNative(plan: Plan, inputs: Record<string, number> = {}) {
  const [errorRead, errorWrite] = sys.pipe();
  const child = sys.launchNative({ plan, inputs, cloneFlags: FLAGS, exitSignal: SIGNALS.SIGCHLD, errorFd: errorWrite });
  sys.close(errorWrite);
  const exit = await exitOf(child.pidfd);
  const record = Buffer.alloc(8);
  const length = readSync(errorRead, record);
  sys.close(errorRead);
  return { exit, record: length === 8 ? { step: record.readUInt32LE(0), errno: record.readUInt32LE(4) } : undefined };
}

describe.skipIf(process.arch !== 'x64')('native executor', () => {
  it('reports the failing step and its errno, and exits 1', async () => {
    const b = new PlanBuilder('x64');
    steps.umask(b, 0o22);
    steps.chdir(b, '/nonexistent/dir');
    steps.umask(b, 0o22);
    expect(await runNative(b.build())).toEqual({ exit: { code: 1, signal: null }, record: { step: 1, errno: 2 } });
  });

  it('ignores errors by policy and jumps on error', async () => {
    const b = new PlanBuilder('x64');
    steps.chdir(b, '/nonexistent', { onError: { policy: 'ignore' } });
    steps.chdir(b, '/nonexistent', { onError: { policy: 'ignore-errno', errno: errnoNumber('ENOENT') } });
    steps.chdir(b, '/nonexistent', { onError: { policy: 'jump', to: 4 } });
    steps.chdir(b, '/skipped-by-the-jump');
    steps.chdir(b, '/nonexistent', { onError: { policy: 'ignore-errno', errno: errnoNumber('EPERM') } });
    expect((await runNative(b.build())).record).toEqual({ step: 4, errno: errnoNumber('ENOENT') });
  });

  it('keeps results in slots and passes slots as arguments', async () => {
    const [read, write] = sys.pipe();
    const b = new PlanBuilder('x64');
    const fd = b.slot('fd');
    const out = b.input('out');
    steps.openat(b, '/proc/self/comm', 0, 0, fd);
    steps.read(b, fd, 4, 'read comm');
    steps.write(b, out, 'slot ok');
    const result = await runNative(b.build(), { out: write });
    sys.close(write);
    const text = Buffer.alloc(16);
    const length = readSync(read, text);
    sys.close(read);
    // The plan ran to its end without an exec: {step count, 0}.
    expect(result.record).toEqual({ step: 3, errno: 0 });
    expect(text.subarray(0, length).toString()).toBe('slot ok');
  });

  it('treats a zero result as EPIPE when asked (EOF on the sync pipe)', async () => {
    const [read, write] = sys.pipe();
    sys.close(write);
    const b = new PlanBuilder('x64');
    steps.read(b, b.input('sync'), 1, 'wait', { zeroIsError: true });
    expect((await runNative(b.build(), { sync: read })).record).toEqual({ step: 0, errno: 32 });
    sys.close(read);
  });

  it('forks into a process of the parent, which goes on with the plan while the forking side exits', async () => {
    const [read, write] = sys.pipe();
    const b = new PlanBuilder('x64');
    const forked = b.slot('forked');
    steps.forkIntoParent(b, forked, 'fork');
    // The new process waits: the report comes before anything it writes.
    steps.read(b, b.input('sync'), 1, 'wait', { zeroIsError: true });
    steps.write(b, b.input('out'), 'from the forked process');
    const [errorRead, errorWrite] = sys.pipe();
    const [syncRead, syncWrite] = sys.pipe();
    const child = sys.launchNative({
      plan: b.build(),
      inputs: { out: write, sync: syncRead },
      cloneFlags: FLAGS,
      exitSignal: SIGNALS.SIGCHLD,
      errorFd: errorWrite,
    });
    for (const fd of [errorWrite, write, syncRead]) sys.close(fd);
    expect(await exitOf(child.pidfd)).toEqual({ code: 0, signal: null }); // the forking side
    // Before it exited, it reported the pid down the error pipe.
    const report = Buffer.alloc(8);
    expect(readSync(errorRead, report)).toBe(8);
    expect(report.readUInt32LE(0)).toBe((0 | REPORT_FLAG) >>> 0);
    const grandchild = report.readUInt32LE(4);
    expect(grandchild).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${grandchild}/stat`, 'utf8')).toMatch(new RegExp(`^${grandchild} \\(\\S+\\) \\S+ ${process.pid} `));
    const pidfd = sys.pidfdOpen(grandchild);
    writeSync(syncWrite, Buffer.of(1));
    sys.close(syncWrite);
    // It is the parent's own child: the parent reaps it. The plan ended without an exec.
    expect(await exitOf(pidfd)).toEqual({ code: 1, signal: null });
    const text = Buffer.alloc(64);
    expect(text.subarray(0, readSync(read, text)).toString()).toBe('from the forked process');
    const record = Buffer.alloc(8);
    expect(readSync(errorRead, record)).toBe(8);
    expect([record.readUInt32LE(0), record.readUInt32LE(4)]).toEqual([3, 0]);
    expect(readSync(errorRead, record)).toBe(0); // nothing else
    for (const fd of [read, errorRead]) sys.close(fd);
  });

  it.skipIf(!isRoot)('execs, with argv and envp laid out by the parent', async () => {
    const [read, write] = sys.pipe();
    const b = new PlanBuilder('x64');
    steps.dup3(b, b.input('out'), 1, 'stdout');
    steps.execve(b, '/bin/sh', ['sh', '-c', 'echo "$0 $GREETING"'], ['GREETING=from a native child']);
    const result = await runNative(b.build(), { out: write });
    sys.close(write);
    expect(result).toEqual({ exit: { code: 0, signal: null }, record: undefined });
    const text = Buffer.alloc(64);
    expect(text.subarray(0, readSync(read, text)).toString()).toBe('sh from a native child\n');
    sys.close(read);
    expect(readFileSync('/proc/self/status', 'utf8')).toContain('State:'); // the parent is intact
  });

  it.skipIf(!isRoot)('re-execs itself into an address space without Node, keeping only the placed inputs', async () => {
    const [syncRead, syncWrite] = sys.pipe();
    const [outRead, outWrite] = sys.pipe();
    const [errorRead, errorWrite] = sys.pipe();
    const devNull = openSync('/dev/null', 'r');
    const b = new PlanBuilder('x64');
    b.input('in', 0);
    const out = b.input('out', 1);
    b.input('err', 2);
    b.input('error', 3);
    const sync = b.input('sync', 4);
    const highest = steps.placeInputs(b);
    steps.reexecExecutor(b);
    steps.closeRange(b, highest + 1, 0);
    steps.write(b, out, 'ready\n');
    steps.read(b, sync, 1, 'wait', { zeroIsError: true });
    steps.closeRange(b, 3, CLOSE_RANGE_CLOEXEC);
    steps.execve(b, '/bin/sh', ['sh', '-c', 'echo done'], []);
    const child = sys.launchNative({
      plan: b.build(),
      inputs: { in: devNull, out: outWrite, err: outWrite, error: errorWrite, sync: syncRead },
      cloneFlags: FLAGS,
      exitSignal: SIGNALS.SIGCHLD,
      errorFd: errorWrite,
    });
    for (const fd of [errorWrite, syncRead, outWrite, devNull]) sys.close(fd);
    const exited = exitOf(child.pidfd);
    const text = Buffer.alloc(64);
    expect(text.subarray(0, readSync(outRead, text)).toString()).toBe('ready\n');
    // Waiting on the sync pipe, after the re-exec: its image is the memfd, nothing of
    // Node is mapped, and it holds the placed fds and nothing else.
    expect(readlinkSync(`/proc/${child.pid}/exe`)).toBe('/memfd:lc-executor (deleted)');
    const maps = readFileSync(`/proc/${child.pid}/maps`, 'utf8');
    expect(maps).not.toContain(process.execPath);
    expect(maps).not.toContain('libc');
    expect(readdirSync(`/proc/${child.pid}/fd`).sort()).toEqual(['0', '1', '2', '3', '4']);
    writeSync(syncWrite, Buffer.of(1));
    sys.close(syncWrite);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(text.subarray(0, readSync(outRead, text)).toString()).toBe('done\n');
    child.release();
    expect(readSync(errorRead, Buffer.alloc(8))).toBe(0); // exec'd: EOF, no record
    for (const fd of [outRead, errorRead]) sys.close(fd);
  });
});
