// The first steps of a plan: what the executor's process must do before the
// container's setup, which differs between a clone3 child and a Node init.
import type { ContainerModel } from '@lc/config-types';
import { CLONE, imm, type PlanBuilder, PR, SIGNALS, steps } from '@lc/system';
import { type Executor, namespacesMadeByPlan } from './executor.js';
import { NETNS_SLOT, SYNC_SLOT } from './init-protocol.js';
import { joinedNetworkNamespace } from './network-namespace.js';
import { namespaceRootSteps, nativePreambleSteps } from './process-steps.js';

export interface StartOptions {
  readonly executor: Executor;
  /** Which of stdin, stdout, stderr the plan replaces (native: dup3 from input slots). */
  readonly redirected: readonly [boolean, boolean, boolean];
}

export function startSteps(b: PlanBuilder, model: ContainerModel, options: StartOptions): void {
  const sync = b.input(SYNC_SLOT);
  if (options.executor === 'native') nativePreambleSteps(b, options.redirected);
  // Die with the parent, also while waiting for it: the parent is the one that
  // records, waits for and cleans up the container.
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal');
  steps.unshare(b, namespacesMadeByPlan(model, options.executor), { label: 'unshare namespaces' });
  if (joinedNetworkNamespace(model)) {
    // The netns strategy: the parent opened the namespace (NETNS_SLOT) by its path.
    steps.setns(b, b.input(NETNS_SLOT), CLONE.NEWNET, "enter the configured network namespace");
  }
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
  namespaceRootSteps(b, model);
}
