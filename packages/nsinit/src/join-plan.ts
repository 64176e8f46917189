// The plan of a process started inside a running container (`nsinit exec` on a
// running container): the clone3 child enters the container's namespaces, user
// first, then forks so the process lands in the container's pid namespace (setns of a
// pid namespace only applies to children), and then takes on the container's
// credentials, directory and program.
import { type ContainerModel, hasNamespace, type NamespaceKind } from '@lc/config-types';
import { resolveUser } from '@lc/security';
import { CLONE, imm, type NamespaceFile, type Plan, PlanBuilder, PR, SIGNALS, type System, steps } from '@lc/system';
import { ConfigurationError } from './errors.js';
import { ERROR_SLOT, SYNC_SLOT } from './init-protocol.js';
import { namespaceRootSteps, nativePreambleSteps, processSteps, redirectedStdio } from './process-steps.js';

/**
 * The namespaces to enter, in order. User first: entering it gives the capabilities
 * the others need; mount last: it changes the root and working directory.
 */
export const JOIN_ORDER: readonly (readonly [NamespaceKind, number, NamespaceFile])[] = [
  ['user', CLONE.NEWUSER, 'user'],
  ['ipc', CLONE.NEWIPC, 'ipc'],
  ['uts', CLONE.NEWUTS, 'uts'],
  ['network', CLONE.NEWNET, 'net'],
  ['pid', CLONE.NEWPID, 'pid'],
  ['mount', CLONE.NEWNS, 'mnt'],
];

export const FORKED_SLOT = 'joined';
export const namespaceSlot = (file: string) => `ns-${file}`;

export interface JoinPlanOptions {
  readonly redirected?: readonly [boolean, boolean, boolean];
}

export function buildJoinPlan(model: ContainerModel, args: readonly string[], sys: System, options: JoinPlanOptions = {}): Plan {
  if (args.length === 0 || args[0] === '') throw new ConfigurationError('command', 'no command given');
  const user = resolveUser(sys, model.rootfs, model.process.user, model.process.additionalGroups);
  const b = new PlanBuilder(sys.arch);
  b.input(ERROR_SLOT);
  const sync = b.input(SYNC_SLOT);
  nativePreambleSteps(b, redirectedStdio(model, options.redirected));
  for (const [kind, flag, file] of JOIN_ORDER) {
    if (!hasNamespace(model, kind)) continue;
    steps.setns(b, b.input(namespaceSlot(file)), flag, `enter the container's ${file} namespace`);
  }
  steps.forkIntoParent(b, b.slot(FORKED_SLOT), 'fork into the container');
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal');
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
  namespaceRootSteps(b, model);
  processSteps(b, model, user, sys, args);
  return b.build();
}
