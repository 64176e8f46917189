// The first steps of a plan: what the executor's process must do before the
// container's setup, which differs between a clone3 child and a Node init.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { CLONE, imm, type PlanBuilder, PR, SIGNALS, steps } from '@lc/system';
import { type Executor, namespacesMadeByPlan } from './executor.js';
import { ERROR_READ_SLOT, NETNS_SLOT, STDIO_SLOTS, SYNC_SLOT, SYNC_WRITE_SLOT } from './init-protocol.js';
import { joinedNetworkNamespace } from './network-namespace.js';

export interface StartOptions {
  readonly executor: Executor;
  /** Which of stdin, stdout, stderr the plan replaces (native: dup3 from input slots). */
  readonly redirected: readonly [boolean, boolean, boolean];
}

export function startSteps(b: PlanBuilder, model: ContainerModel, options: StartOptions): void {
  const sync = b.input(SYNC_SLOT);
  if (options.executor === 'native') {
    // The clone3 child got a copy of the parent's whole fd table: drop the parent's
    // ends of the pipes (holding the sync pipe's write end, it would never see EOF
    // if the parent died) and put the container's stdio in place.
    steps.close(b, b.input(SYNC_WRITE_SLOT), { label: "close the parent's end of the sync pipe" });
    steps.close(b, b.input(ERROR_READ_SLOT), { label: "close the parent's end of the error pipe" });
    options.redirected.forEach((redirected, fd) => {
      if (redirected) steps.dup3(b, b.input(STDIO_SLOTS[fd]!), fd, `put the container's fd ${fd} in place`);
    });
  }
  // Die with the parent, also while waiting for it: the parent is the one that
  // records, waits for and cleans up the container.
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal');
  steps.unshare(b, namespacesMadeByPlan(model, options.executor), { label: 'unshare namespaces' });
  if (joinedNetworkNamespace(model)) {
    // The netns strategy: the parent opened the namespace (NETNS_SLOT) by its path.
    steps.setns(b, b.input(NETNS_SLOT), CLONE.NEWNET, "enter the configured network namespace");
  }
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
  if (hasNamespace(model, 'user')) {
    // The child still has the parent's ids, which the new maps do not hold (files it
    // created would fail with EOVERFLOW): become the namespace's root, now mapped.
    steps.setresgid(b, 0, { label: 'become gid 0 of the user namespace' });
    steps.setresuid(b, 0, { label: 'become uid 0 of the user namespace' });
  }
}
