// The plan of a process started inside a running container (`nsinit exec` on a
// running container): the clone3 child re-execs the executor (an address space of its
// own, only the fds it was given), enters the container's namespaces, user first, then
// forks so the process lands in the container's pid namespace (setns of a pid namespace
// only applies to children), and the fork takes on the container's credentials,
// directory and program. The fork's pid reaches the parent as a report record.
import { type ContainerModel, hasNamespace, type NamespaceKind } from '@lc/config-types';
import { resolveUser } from '@lc/security';
import { CLONE, type NamespaceFile, type Plan, PlanBuilder, type System, steps } from '@lc/system';
import { ConfigurationError } from './errors.js';
import { ERROR_FD, ERROR_SLOT, FIRST_NAMESPACE_FD, FORKED_SLOT, STDIO_SLOTS, SYNC_FD, SYNC_SLOT } from './init-protocol.js';
import { dieWithParent, namespaceRootSteps, processSteps } from './process-steps.js';
import { waitForGo } from './start-steps.js';

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

export const namespaceSlot = (file: string) => `ns-${file}`;

export function buildJoinPlan(model: ContainerModel, args: readonly string[], sys: System): Plan {
  if (args.length === 0 || args[0] === '') throw new ConfigurationError('command', 'no command given');
  const user = resolveUser(sys, model.rootfs, model.process.user, model.process.additionalGroups);
  const b = new PlanBuilder(sys.arch);
  b.input(ERROR_SLOT, ERROR_FD);
  const sync = b.input(SYNC_SLOT, SYNC_FD);
  for (const [fd, name] of STDIO_SLOTS.entries()) b.input(name, fd);
  const entered = JOIN_ORDER.filter(([kind]) => hasNamespace(model, kind)).map(
    ([, flag, file], i) => [b.input(namespaceSlot(file), FIRST_NAMESPACE_FD + i), flag, file] as const,
  );
  const highest = steps.placeInputs(b);
  steps.reexecExecutor(b);
  steps.notDumpable(b);
  steps.closeRange(b, highest + 1, 0, { label: 'close every fd it was not given' });
  for (const [slot, flag, file] of entered) steps.setns(b, slot, flag, `enter the container's ${file} namespace`);
  for (const [slot, , file] of entered) steps.close(b, slot, { label: `close the ${file} namespace` });
  // The fork inherits the non-dumpable image: there is no moment it could be opened.
  steps.forkIntoParent(b, b.slot(FORKED_SLOT), 'fork into the container');
  // Never the caller's terminal as a controlling terminal (TIOCSTI).
  steps.setsid(b);
  dieWithParent(b);
  waitForGo(b, sync);
  namespaceRootSteps(b, model);
  processSteps(b, model, user, sys, args);
  return b.build();
}
