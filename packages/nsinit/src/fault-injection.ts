// Test-only fault injection (issue #10): $LC_TEST_FAULT, read here and nowhere else,
// makes a container start fail or die at a chosen point, so tests can prove that every
// failure and every crash of nsinit leaves nothing behind on the host.
//
//   fail:N    plan step N fails with EBADF, as that step (withFailureAt)
//   pause:N   the container's process waits for SIGUSR2 just before plan step N
//             (withPauseAt): a test SIGKILLs nsinit there, then lets the process go on
//   kill:P    nsinit SIGKILLs itself at the point P of its start (KILL_POINTS)
//
// N counts the steps of the plan as built (`buildInitPlan`, `nsinit plan`). Not a user
// feature: unset, nothing changes; a value it does not know is an error, so a test
// cannot silently inject nothing.
import { LcError } from '@lc/config-types';
import { type Plan, SIGNALS, withFailureAt, withPauseAt } from '@lc/system';

/** Points of a start where `kill:P` SIGKILLs nsinit, in the order a start passes them. */
export const KILL_POINTS = [
  /** The container directory is taken (and what a dead start left, removed). */
  'locked',
  /** The cgroups are recorded, not yet made. */
  'cgroups-recorded',
  /** The first cgroup directory is made (a new parent's, when the parent is new). */
  'cgroup-made',
  'cgroups-created',
  /** The container's process exists and waits on the sync pipe. */
  'launched',
  /** Its pid and start time are recorded. */
  'state-written',
  'cgroups-joined',
  'ids-mapped',
  /** The veth host ends are recorded, not yet made. */
  'network-recorded',
  'network-created',
  /** The last of the parent's work before the go. */
  'prestart-hooks-run',
  /** The container's program was exec'd. */
  'exec',
  'poststart-hooks-run',
  /** The program exited (the container ends by itself): nsinit's clean-up begins. */
  'exited',
  'state-removed',
  'released',
] as const;

export type KillPoint = (typeof KILL_POINTS)[number];

/** The points a start passes only once its program has exited by itself. */
export const AFTER_EXIT: readonly KillPoint[] = ['exited', 'state-removed', 'released'];

/** The signal a `pause:N` process waits for. */
export const PAUSE_SIGNAL = SIGNALS.SIGUSR2;

type Fault = { kind: 'fail' | 'pause'; step: number } | { kind: 'kill'; point: KillPoint };

function testFault(): Fault | undefined {
  const value = process.env.LC_TEST_FAULT;
  if (value === undefined || value === '') return undefined;
  const [kind, at] = value.split(':', 2);
  if ((kind === 'fail' || kind === 'pause') && at !== undefined && /^\d+$/.test(at)) return { kind, step: Number(at) };
  if (kind === 'kill' && KILL_POINTS.includes(at as KillPoint)) return { kind, point: at as KillPoint };
  throw new LcError('CONFIG', `LC_TEST_FAULT: expected fail:N, pause:N or kill:<${KILL_POINTS.join('|')}>, got ${JSON.stringify(value)}`);
}

/** The plan with the fault $LC_TEST_FAULT asks for applied; refuses a value it does not know. */
export function withTestFault(plan: Plan): Plan {
  const fault = testFault();
  if (fault?.kind === 'fail') return withFailureAt(plan, fault.step);
  if (fault?.kind === 'pause') return withPauseAt(plan, fault.step, PAUSE_SIGNAL);
  return plan;
}

/** Dies here, as `kill -9` would kill it, when $LC_TEST_FAULT names this point. */
export function faultPoint(point: KillPoint): void {
  // Compared as text, never thrown on: a value withTestFault refuses must not fire here
  // (this may run where a throw escapes, in an exit listener).
  if (process.env.LC_TEST_FAULT === `kill:${point}`) process.kill(process.pid, 'SIGKILL');
}
