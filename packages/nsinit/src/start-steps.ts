// The first steps of a container's first process, which differ between a clone3 child
// (native executor) and a Node init. Both end the same way: not dumpable, holding no
// fd it was not given, a session of its own, in its namespaces, waiting for the go.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { CLONE, CLOSE_RANGE_CLOEXEC, errnoNumber, type PlanBuilder, PR, type SlotRef, steps } from '@lc/system';
import { cloneNamespaces, type Executor, namespacesMadeByPlan } from './executor.js';
import { ERROR_FD, ERROR_SLOT, FORKED_SLOT, NETNS_FD, NETNS_SLOT, STDIO_SLOTS, SYNC_FD, SYNC_SLOT } from './init-protocol.js';
import { joinedNetworkNamespace } from './network-namespace.js';
import { dieWithParent, namespaceRootSteps } from './process-steps.js';

export function startSteps(b: PlanBuilder, model: ContainerModel, executor: Executor): void {
  if (executor === 'native') nativeStartSteps(b, model);
  else nodeStartSteps(b, model);
}

/**
 * The clone3 child shares Node's memory and holds a copy of its whole fd table until it
 * re-execs the executor (native-elf.ts in @lc/system); its inputs are put at fixed fds
 * first, so they are all that survives the re-exec. The re-exec'd image then forks the
 * container's first process into the new user and pid namespaces (FORKED_SLOT; its
 * pid is reported to the parent): a process whose image was exec'd in a user namespace
 * belongs to it (mm->user_ns), and the namespace's owner — anyone running as the
 * parent's uid in the parent's user namespace, a root container sharing the host's pid
 * namespace too — could then ptrace it, not dumpable or not. A fork keeps the image's
 * own namespace, where no one in the container has CAP_SYS_PTRACE.
 */
function nativeStartSteps(b: PlanBuilder, model: ContainerModel): void {
  b.input(ERROR_SLOT, ERROR_FD);
  const sync = b.input(SYNC_SLOT, SYNC_FD);
  for (const [fd, name] of STDIO_SLOTS.entries()) b.input(name, fd);
  const netns = joinedNetworkNamespace(model) ? b.input(NETNS_SLOT, NETNS_FD) : undefined;
  const highest = steps.placeInputs(b);
  steps.reexecExecutor(b);
  steps.notDumpable(b);
  // Whatever it inherited without close-on-exec: gone before any namespace is entered.
  steps.closeRange(b, highest + 1, 0, { label: 'close every fd it was not given' });
  // An unprivileged parent may write the id maps only of a process it could ptrace:
  // the fork is dumpable from its birth (the flag is the image's, copied) until the go.
  // Only the user that owns its namespace can ptrace it then (root in the parent
  // namespace has no CAP_SYS_PTRACE to spare in a container).
  const mapsByUser = hasNamespace(model, 'user') && process.geteuid?.() !== 0;
  if (mapsByUser) steps.prctl(b, PR.SET_DUMPABLE, 1, 'dumpable while the parent writes the id maps');
  steps.forkIntoParent(b, b.slot(FORKED_SLOT), 'fork into new namespaces', cloneNamespaces(model));
  // Never the caller's terminal as a controlling terminal (TIOCSTI).
  steps.setsid(b);
  dieWithParent(b);
  enterNamespaces(b, model, 'native', netns);
  waitForGo(b, sync);
  if (mapsByUser) steps.notDumpable(b);
  namespaceRootSteps(b, model);
}

/**
 * The Node init was spawned (detached: it leads a session of its own) with its inputs
 * at fixed fds; Node's own fds are close-on-exec and cannot be closed under it, so
 * everything above the inputs is marked close-on-exec too.
 */
function nodeStartSteps(b: PlanBuilder, model: ContainerModel): void {
  b.input(ERROR_SLOT);
  const sync = b.input(SYNC_SLOT);
  const netns = joinedNetworkNamespace(model) ? b.input(NETNS_SLOT) : undefined;
  steps.notDumpable(b);
  steps.closeRange(b, NETNS_FD + 1, CLOSE_RANGE_CLOEXEC, { label: 'close every fd it was not given at exec' });
  steps.setsid(b, { onError: { policy: 'ignore-errno', errno: errnoNumber('EPERM') } });
  dieWithParent(b);
  enterNamespaces(b, model, 'node', netns);
  waitForGo(b, sync);
}

function enterNamespaces(b: PlanBuilder, model: ContainerModel, executor: Executor, netns: SlotRef | undefined): void {
  steps.unshare(b, namespacesMadeByPlan(model, executor), { label: 'unshare namespaces' });
  // The netns strategy: the parent opened the namespace by its path.
  if (netns) {
    steps.setns(b, netns, CLONE.NEWNET, 'enter the configured network namespace');
    steps.close(b, netns, { label: 'close the network namespace' });
  }
}

/**
 * The go, and the sync pipe closed after it: by the time the working directory is
 * entered (a path the config chooses, maybe /proc/self/fd/N) the process holds no fd
 * but its stdio and the error pipe.
 */
export function waitForGo(b: PlanBuilder, sync: SlotRef): void {
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
  steps.close(b, sync, { label: 'close the sync pipe' });
}
