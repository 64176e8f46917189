// Fault injection over a whole plan (issue #10): each step of a full container's plan
// is made to fail in turn (LC_TEST_FAULT=fail:N: the step becomes close(-1), EBADF) —
// through the library for every step, through the CLI for a sample (each CLI start
// costs a Node start). Every failure must be one line naming that step (the CLI: exit
// 125), and leave nothing: no mount, cgroup directory, veth, netns, record or process.
//
// The steps come from the plan as built, so the walk follows the plan as it changes.
// The executor is the run's (LC_EXECUTOR): the node executor's config has no user
// namespace, which a Node init cannot enter.
import { type ContainerModel, loadContainerConfig } from '@lc/config-types';
import { buildInitPlan, defaultExecutor, InitError, startContainer } from '@lc/nsinit';
import { linuxSystem, type Plan } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBridge, expectNothingLeft, fallbacks, faultSnapshot, fullContainerDir, removeBridge } from './faults.js';
import { hostSnapshot, readAll, removeAllContainerDirs, runCli } from './harness.js';

const ARGS = ['true'];
/** How many steps the CLI walks, evenly spread over the plan. */
const CLI_SAMPLE = 8;

/** The pty's number is only known at the start: labels compare without it. */
const withoutPty = (text: string) => text.replace(/\/dev\/pts\/(\d+|<N>)/g, '/dev/pts/*');

describe.skipIf(!isRoot)(`a failure at any plan step leaves nothing (${needsRoot})`, () => {
  const executor = defaultExecutor();
  let dir: string;
  let plan: Plan;

  beforeAll(async () => {
    addBridge();
    dir = await fullContainerDir(executor, `lc-test-faults-${process.pid}`);
    const { model }: { model: ContainerModel } = await loadContainerConfig(dir);
    plan = buildInitPlan(model, ARGS, linuxSystem(), { executor, consolePath: '/dev/pts/<N>' });
  });
  afterAll(async () => {
    removeBridge();
    await removeAllContainerDirs();
  });

  it(`every step, through the library (${executor} executor)`, { timeout: 300_000 }, async () => {
    const before = faultSnapshot(hostSnapshot());
    const unreachable = fallbacks(plan);
    let failed = 0;
    for (const [n, step] of plan.steps.entries()) {
      const outcome = await startFailingAt(dir, n);
      const what = `fail:${n} (${step.label})`;
      if (outcome instanceof Error) {
        expect(outcome, what).toBeInstanceOf(InitError);
        expect({ step: (outcome as InitError).step, message: withoutPty(outcome.message) }, what).toEqual({
          step: n,
          message: withoutPty(`${step.label}: EBADF`),
        });
        failed++;
      } else {
        // Only a step the run skipped can fail without the start failing.
        expect(unreachable.has(n), `${what}: the container ran`).toBe(true);
        expect(outcome, what).toBe(0);
      }
      expectNothingLeft(before, dir, what);
    }
    // The walk tried something: all but the skipped fallbacks failed.
    expect(failed).toBeGreaterThanOrEqual(plan.steps.length - unreachable.size);
  });

  it(`a sample of steps, through the CLI: one line, exit 125 (${executor} executor)`, { timeout: 120_000 }, async () => {
    const before = faultSnapshot(hostSnapshot());
    const unreachable = fallbacks(plan);
    const last = plan.steps.length - 1;
    const sample = [...new Set(Array.from({ length: CLI_SAMPLE }, (_, i) => Math.round((i * last) / (CLI_SAMPLE - 1))))];
    for (const n of sample) {
      const label = plan.steps[n]!.label;
      const what = `fail:${n} (${label})`;
      const result = await runCli(dir, ['exec', ...ARGS], { env: { LC_TEST_FAULT: `fail:${n}` } });
      if (unreachable.has(n) && result.code === 0) {
        expect(result.stderr, what).toBe('');
      } else {
        expect({ code: result.code, stderr: withoutPty(result.stderr) }, what).toEqual({
          code: 125,
          stderr: withoutPty(`nsinit: ${label}: EBADF\n`),
        });
      }
      expectNothingLeft(before, dir, what);
    }
  });

  it('refuses a fault it does not know, and starts nothing', async () => {
    const before = faultSnapshot(hostSnapshot());
    const result = await runCli(dir, ['exec', ...ARGS], { env: { LC_TEST_FAULT: 'fail:x' } });
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^nsinit: LC_TEST_FAULT: expected fail:N, pause:N or kill:<locked\|.*>, got "fail:x"\n$/);
    expectNothingLeft(before, dir, 'fail:x');
  });
});

/** The start's error, or the exit code of a container that ran (its failing step was skipped). */
async function startFailingAt(dir: string, n: number): Promise<Error | number | null> {
  process.env.LC_TEST_FAULT = `fail:${n}`;
  let container: Awaited<ReturnType<typeof startContainer>>;
  try {
    container = await startContainer({ dir, args: ARGS, stdio: ['ignore', 'ignore', 'ignore'] });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    delete process.env.LC_TEST_FAULT;
  }
  // Its output is read to its end: that closes the pty's master.
  const [, status] = await Promise.all([readAll(container.stdout), container.exited]);
  return status.exitCode;
}
