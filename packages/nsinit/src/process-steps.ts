// Plan steps a container's first process and a process joined to it share: the native
// executor's preamble, becoming root of a user namespace, and the tail from the
// process's credentials to its exec.

import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { controllingTerminalSteps } from '@lc/console';
import { credentialSteps, labelSteps, type ResolvedUser, seccompSteps } from '@lc/security';
import { type PlanBuilder, type System, steps } from '@lc/system';
import { environment, execSteps } from './exec-steps.js';
import { setgroupsDenied } from './id-mappings.js';
import { ignoredSignals } from './ignored-signals.js';
import { ERROR_READ_SLOT, STDIO_SLOTS, SYNC_WRITE_SLOT } from './init-protocol.js';
import { rlimitSteps } from './rlimits.js';

/**
 * Which of fds 0, 1, 2 the plan puts in place. With a terminal all three are the pty's
 * slave (container-console.ts), whatever stdio the caller asked for.
 */
export function redirectedStdio(model: ContainerModel, redirected: Redirected | undefined): Redirected {
  return model.process.terminal ? [true, true, true] : (redirected ?? [false, false, false]);
}

export type Redirected = readonly [boolean, boolean, boolean];

/**
 * A clone3 child gets a copy of the parent's whole fd table: it drops the parent's ends
 * of the pipes (holding the sync pipe's write end, it would never see EOF if the parent
 * died) and puts its stdio in place.
 */
export function nativePreambleSteps(b: PlanBuilder, redirected: readonly boolean[]): void {
  steps.close(b, b.input(SYNC_WRITE_SLOT), { label: "close the parent's end of the sync pipe" });
  steps.close(b, b.input(ERROR_READ_SLOT), { label: "close the parent's end of the error pipe" });
  redirected.forEach((replaced, fd) => {
    if (replaced) steps.dup3(b, b.input(STDIO_SLOTS[fd]!), fd, `put fd ${fd} in place`);
  });
}

/**
 * After the go: a process in a user namespace still has the parent's ids, which the maps
 * do not hold (files it created would fail with EOVERFLOW): it becomes the namespace's
 * root, now mapped.
 */
export function namespaceRootSteps(b: PlanBuilder, model: ContainerModel): void {
  if (!hasNamespace(model, 'user')) return;
  steps.setresgid(b, 0, { label: 'become gid 0 of the user namespace' });
  steps.setresuid(b, 0, { label: 'become uid 0 of the user namespace' });
}

/** The controlling terminal, umask, the user, the resource limits and capabilities, the working directory, LSM labels, exec. */
export function processSteps(b: PlanBuilder, model: ContainerModel, user: ResolvedUser, sys: System, args: readonly string[]): void {
  // Its stdio is the pty's slave (container-console.ts): make it the controlling terminal.
  if (model.process.terminal) controllingTerminalSteps(b);
  steps.umask(b, 0o022);
  seccompSteps(b, model, 'before-credentials');
  credentialSteps(b, model, user, sys, { setgroups: !setgroupsDenied(model) });
  steps.chdir(b, model.process.cwd);
  rlimitSteps(b, model);
  // The LSM labels apply at the next execve: set them last.
  labelSteps(b, model);
  execSteps(b, args, environment(model, user.home), ignoredSignals(sys), () => seccompSteps(b, model, 'before-exec'));
}
