// The native executor on the real kernel: every error policy and flag of the step
// records, as the interpreter in native/x86_64/executor.S runs them.
import { readFileSync, readSync } from 'node:fs';
import { isRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { CLONE, CLONE_CLEAR_SIGHAND, errnoNumber, linuxSystem, type Plan, PlanBuilder, SIGNALS, steps } from '../src/index.js';

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
    steps.write(b, b.input('out'), 'from the forked process');
    const [errorRead, errorWrite] = sys.pipe();
    const child = sys.launchNative({
      plan: b.build(),
      inputs: { out: write },
      cloneFlags: FLAGS,
      exitSignal: SIGNALS.SIGCHLD,
      errorFd: errorWrite,
    });
    sys.close(errorWrite);
    sys.close(write);
    expect(await exitOf(child.pidfd)).toEqual({ code: 0, signal: null }); // the forking side
    const grandchild = Number(child.slot(0));
    expect(grandchild).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${grandchild}/stat`, 'utf8')).toMatch(new RegExp(`^${grandchild} \\(\\S+\\) \\S+ ${process.pid} `));
    const pidfd = sys.pidfdOpen(grandchild);
    // It is the parent's own child: the parent reaps it. The plan ended without an exec.
    expect(await exitOf(pidfd)).toEqual({ code: 1, signal: null });
    const text = Buffer.alloc(64);
    expect(text.subarray(0, readSync(read, text)).toString()).toBe('from the forked process');
    const record = Buffer.alloc(8);
    expect(readSync(errorRead, record)).toBe(8);
    expect([record.readUInt32LE(0), record.readUInt32LE(4)]).toEqual([2, 0]);
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
});
