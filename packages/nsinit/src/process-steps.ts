// Plan steps a container's first process and a process joined to it share: the
// parent-death signal, becoming root of a user namespace, and the tail from the
// process's credentials to its exec.

import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { controllingTerminalSteps } from '@lc/console';
import { credentialSteps, labelSteps, type ResolvedUser, seccompSteps } from '@lc/security';
import { imm, type PlanBuilder, PR, SIGNALS, type System, steps } from '@lc/system';
import { environment, execSteps } from './exec-steps.js';
import { setgroupsDenied } from './id-mappings.js';
import { ignoredSignals } from './ignored-signals.js';
import { rlimitSteps } from './rlimits.js';

/**
 * Die with the parent, also while waiting for it: the parent is the one that records,
 * waits for and cleans up the container. Set again after every credential change,
 * which resets it (commit_creds).
 */
export function dieWithParent(b: PlanBuilder): void {
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal');
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
  dieWithParent(b);
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
