// Crash safety (issue #10): the nsinit CLI SIGKILLed at 100 points of a full
// container's create, each followed by `nsinit delete --force`, must leave nothing:
// no mount, cgroup directory, veth, netns, record or process — the container's
// processes die with nsinit or are killed by the delete. The points:
//   - every named point of the parent's start (LC_TEST_FAULT=kill:P: nsinit kills
//     itself there), the clean-up after the program exited included;
//   - the container's process held just before a plan step (LC_TEST_FAULT=pause:N; it
//     waits for SIGUSR2), nsinit SIGKILLed from here, then the process let go on —
//     steps spread evenly over the plan as built;
//   - random delays after the CLI started (seeded: LC_TEST_SEED repeats a run).
//
// This process adopts the orphans (PR_SET_CHILD_SUBREAPER), so a container process that
// outlives its nsinit is seen by the leak check.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadContainerConfig } from '@lc/config-types';
import { buildInitPlan, defaultExecutor } from '@lc/nsinit';
import { hostArch, linuxSystem, type Plan, SIGNALS, syscallNumber } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFTER_EXIT, KILL_POINTS, type KillPoint } from '../src/fault-injection.js';
import {
  addBridge,
  adoptOrphans,
  expectNothingLeft,
  fallbacks,
  faultSnapshot,
  fullContainerDir,
  orphansGone,
  reapOrphans,
  removeBridge,
} from './faults.js';
import { CLI, descendantsOf, hostSnapshot, removeAllContainerDirs, runCli, waitUntil } from './harness.js';

const POINTS = 100;
const RANDOM_POINTS = 15;
const PLAN_POINTS = POINTS - KILL_POINTS.length - RANDOM_POINTS;
/** A container that runs until it is killed, and one that ends by itself (for the clean-up points). */
const RUNS = ['sleep', '1000'];
const ENDS = ['true'];
const SEED = Number(process.env.LC_TEST_SEED ?? 20_140_601);

const sys = linuxSystem();
const RT_SIGTIMEDWAIT = syscallNumber('rt_sigtimedwait', hostArch());

/** CLI processes child_process follows: never reaped by reapOrphans. */
const own = new Set<number>();
/** The `nsinit exec` processes still running: a failed check kills them before the delete. */
const running = new Set<ChildProcess>();

interface Crashed {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

/** `nsinit exec` as a user runs it, with `env` added. */
function startExec(dir: string, args: readonly string[], env: Record<string, string> = {}): Crashed {
  const child = spawn(process.execPath, [CLI, '-r', dir, 'exec', ...args], {
    // No stdin: a container of `true` needs none, and one of `sleep` must outlive it.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}), ...env },
  });
  own.add(child.pid!);
  running.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout!.resume();
  // 'exit', not 'close': a container process that outlives nsinit holds its stdout.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      own.delete(child.pid!);
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exit, stderr: () => stderr };
}

/**
 * A process below `root` waiting in rt_sigtimedwait: the one a pause:N holds (neither
 * Node nor the native executor waits there otherwise). Its SigBlk cannot tell: the
 * kernel unblocks the awaited signals for the time of the wait.
 */
function pausedBelow(root: number): number | undefined {
  return descendantsOf(root).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0] === String(RT_SIGTIMEDWAIT);
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Polls (to a deadline) for the held process; fails with the CLI's error if it ends first. */
async function heldProcess(cli: Crashed, what: string): Promise<number> {
  let ended = false;
  void cli.exit.then(() => {
    ended = true;
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = pausedBelow(cli.child.pid!);
    if (pid !== undefined) return pid;
    if (ended) throw new Error(`${what}: nsinit ended before the process reached the step: ${cli.stderr().trim()}`);
    if (Date.now() > deadline) throw new Error(`${what}: no process reached the step within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The command names (comm) of the processes below `root`. */
function commandsBelow(root: number): string[] {
  return descendantsOf(root).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/comm`, 'utf8').trim()];
    } catch {
      return [];
    }
  });
}

/** A seeded generator (mulberry32): the same delays on every run of one seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe.skipIf(!isRoot)(`nsinit killed (SIGKILL) at ${POINTS} points of a create (${needsRoot})`, () => {
  const executor = defaultExecutor();
  let dir: string;
  let plan: Plan;

  beforeAll(async () => {
    addBridge();
    adoptOrphans(true);
    dir = await fullContainerDir(executor, `lc-test-crash-${process.pid}`);
    const { model } = await loadContainerConfig(dir);
    plan = buildInitPlan(model, RUNS, sys, { executor, consolePath: '/dev/pts/<N>' });
  });
  afterAll(async () => {
    adoptOrphans(false);
    removeBridge();
    await removeAllContainerDirs();
  });

  /** Crashes a create with `crash`, deletes with --force, and checks that nothing is left. */
  async function crashThenDelete(what: string, crash: () => Promise<void>, where = dir): Promise<void> {
    const before = faultSnapshot(hostSnapshot());
    try {
      await crash();
    } finally {
      // A check that failed may leave nsinit running: it goes, and the delete still runs.
      for (const child of running) child.kill('SIGKILL');
    }
    const deleted = await runCli(where, ['delete', '--force']);
    expect({ code: deleted.code, stderr: deleted.stderr }, `${what}: nsinit delete --force`).toEqual({ code: 0, stderr: '' });
    await orphansGone(before.host.children, own, what);
    reapOrphans(own);
    expectNothingLeft(before, where, what);
  }

  it(`at each named point of the parent's start (${executor} executor)`, { timeout: 120_000 }, async () => {
    for (const point of KILL_POINTS) {
      const what = `kill:${point}`;
      await crashThenDelete(what, async () => {
        const cli = startExec(dir, AFTER_EXIT.includes(point as KillPoint) ? ENDS : RUNS, { LC_TEST_FAULT: what });
        // It died there by its own SIGKILL: the point was reached.
        expect(await cli.exit, `${what}: ${cli.stderr()}`).toEqual({ code: null, signal: 'SIGKILL' });
      });
    }
  });

  it(`before ${PLAN_POINTS} plan steps, the container's process held there (${executor} executor)`, { timeout: 240_000 }, async () => {
    // The steps every run passes (a fallback is skipped once the step before it succeeds).
    const skipped = fallbacks(plan);
    const passed = [...plan.steps.keys()].filter((n) => !skipped.has(n));
    const last = passed.length - 1;
    const steps = [...new Set(Array.from({ length: PLAN_POINTS }, (_, i) => passed[Math.round((i * last) / (PLAN_POINTS - 1))]!))];
    for (const n of steps) {
      const what = `pause:${n} (${plan.steps[n]!.label})`;
      await crashThenDelete(what, async () => {
        const cli = startExec(dir, RUNS, { LC_TEST_FAULT: `pause:${n}` });
        const held = sys.pidfdOpen(await heldProcess(cli, what));
        try {
          cli.child.kill('SIGKILL');
          expect(await cli.exit).toEqual({ code: null, signal: 'SIGKILL' });
          // Let it go on, if its parent-death signal has not killed it: it must end, or
          // be recorded for the delete to kill.
          try {
            sys.signalPidfd(held, SIGNALS.SIGUSR2);
          } catch {
            // It died with nsinit.
          }
        } finally {
          sys.close(held);
        }
      });
    }
  });

  it(`after ${RANDOM_POINTS} random delays (seed ${SEED}, ${executor} executor)`, { timeout: 120_000 }, async () => {
    const next = random(SEED);
    // Spread over a start's usual length (spawn to exec), and a little past it.
    const spread = await timeToExec();
    for (let i = 0; i < RANDOM_POINTS; i++) {
      const delay = Math.round(next() * spread * 1.2);
      const what = `random kill ${i} after ${delay} ms`;
      await crashThenDelete(what, async () => {
        const cli = startExec(dir, RUNS);
        await new Promise((resolve) => setTimeout(resolve, delay));
        cli.child.kill('SIGKILL');
        expect(await cli.exit, `${what}: ${cli.stderr()}`).toEqual({ code: null, signal: 'SIGKILL' });
      });
    }
  });

  it(`kills what a container without a pid namespace left, the crashed one's and an exited one's (${executor} executor)`, async () => {
    const shared = await fullContainerDir(executor, `lc-test-crash-${process.pid}`, { pidNamespace: false, userNamespace: false });
    // Its PID 1 dies with nsinit (the parent-death signal); the child it forked does not
    // (and ignores the terminal's hangup, as a daemon would).
    const forked = "trap '' HUP; sleep 1000 &";
    const forks = ['sh', '-c', `${forked} exec sleep 1000`];
    await crashThenDelete(
      'nsinit killed while a forked process runs',
      async () => {
        const cli = startExec(shared, forks);
        await waitUntil(() => commandsBelow(cli.child.pid!).filter((comm) => comm === 'sleep').length === 2, 10_000, 'two sleeps');
        cli.child.kill('SIGKILL');
        expect(await cli.exit).toEqual({ code: null, signal: 'SIGKILL' });
      },
      shared,
    );
    // Its PID 1 exits; nsinit cannot remove the cgroups a forked process still holds.
    await crashThenDelete(
      'PID 1 exited while a forked process runs',
      async () => {
        const cli = startExec(shared, ['sh', '-c', `${forked} exit 0`]);
        expect(await cli.exit, cli.stderr()).toEqual({ code: 0, signal: null });
      },
      shared,
    );
  });

  /** Milliseconds from spawning the CLI to its container's exit (`true`). */
  async function timeToExec(): Promise<number> {
    const started = performance.now();
    const result = await runCli(dir, ['exec', ...ENDS]);
    expect(result.code, result.stderr).toBe(0);
    return performance.now() - started;
  }
});
