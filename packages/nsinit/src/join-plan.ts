// The plan of a process started inside a running container (`nsinit exec` on a
// running container): the clone3 child enters the
// container's namespaces, user first, then forks so the process lands in the
// container's pid namespace (setns of a pid namespace only applies to children),
// and then takes on the container's credentials, directory and program.
import { type ContainerModel, hasNamespace, type NamespaceKind } from '@lc/config-types';
import { credentialSteps, labelSteps, resolveUser } from '@lc/security';
import { CLONE, imm, type NamespaceFile, type Plan, PlanBuilder, PR, SIGNALS, type System, steps } from '@lc/system';
import { ConfigurationError } from './errors.js';
import { environment, execSteps } from './exec-steps.js';
import { setgroupsDenied } from './id-mappings.js';
import { ERROR_READ_SLOT, ERROR_SLOT, STDIO_SLOTS, SYNC_SLOT, SYNC_WRITE_SLOT } from './init-protocol.js';

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
  const user = resolveUser(sys, model.rootfs, model.process.user);
  const b = new PlanBuilder(sys.arch);
  b.input(ERROR_SLOT);
  const sync = b.input(SYNC_SLOT);
  steps.close(b, b.input(SYNC_WRITE_SLOT), { label: "close the parent's end of the sync pipe" });
  steps.close(b, b.input(ERROR_READ_SLOT), { label: "close the parent's end of the error pipe" });
  (options.redirected ?? [false, false, false]).forEach((redirected, fd) => {
    if (redirected) steps.dup3(b, b.input(STDIO_SLOTS[fd]!), fd, `put the process's fd ${fd} in place`);
  });
  for (const [kind, flag, file] of JOIN_ORDER) {
    if (!hasNamespace(model, kind)) continue;
    steps.setns(b, b.input(namespaceSlot(file)), flag, `enter the container's ${file} namespace`);
  }
  steps.forkIntoParent(b, b.slot(FORKED_SLOT), 'fork into the container');
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal');
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
  if (hasNamespace(model, 'user')) {
    steps.setresgid(b, 0, { label: 'become gid 0 of the user namespace' });
    steps.setresuid(b, 0, { label: 'become uid 0 of the user namespace' });
  }
  steps.umask(b, 0o022);
  credentialSteps(b, model, user, sys, { setgroups: !setgroupsDenied(model) });
  steps.chdir(b, model.process.cwd);
  labelSteps(b, model);
  execSteps(b, args, environment(model, user.home));
  return b.build();
}
