// The first steps of a container's first process, which differ between a clone3 child
// (native executor) and a Node init. Both end the same way: not dumpable, holding no
// fd it was not given, a session of its own, in its namespaces, waiting for the go.
import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { CLONE, CLOSE_RANGE_CLOEXEC, errnoNumber, type PlanBuilder, type SlotRef, steps } from '@lc/system';
import { type Executor, namespacesMadeByPlan } from './executor.js';
import {
  ERROR_FD,
  ERROR_READ_SLOT,
  ERROR_SLOT,
  NETNS_FD,
  NETNS_SLOT,
  STDIO_SLOTS,
  SYNC_FD,
  SYNC_SLOT,
  SYNC_WRITE_SLOT,
} from './init-protocol.js';
import { joinedNetworkNamespace } from './network-namespace.js';
import { dieWithParent, namespaceRootSteps } from './process-steps.js';

export function startSteps(b: PlanBuilder, model: ContainerModel, executor: Executor): void {
  if (executor === 'native') nativeStartSteps(b, model);
  else nodeStartSteps(b, model);
}

/**
 * The clone3 child shares Node's memory and holds a copy of its whole fd table until it
 * re-execs the executor (native-elf.ts in @lc/system); its inputs are put at fixed fds
 * first, so they are all that survives the re-exec. Only then does it enter the
 * namespaces the container can see into, and wait for the go.
 *
 * With a user namespace (made by clone3, with the pid namespace) the re-exec must come
 * after the parent wrote the id maps and the child became the namespace's root: an
 * execve by a process whose uid is not mapped to 0 there drops every capability it has
 * in it. Nothing else can be in a new pid and user namespace yet, so the wait happens
 * before the re-exec, with the parent's pipe ends closed (else no EOF if it died).
 */
function nativeStartSteps(b: PlanBuilder, model: ContainerModel): void {
  b.input(ERROR_SLOT, ERROR_FD);
  const sync = b.input(SYNC_SLOT, SYNC_FD);
  STDIO_SLOTS.forEach((name, fd) => b.input(name, fd));
  const netns = joinedNetworkNamespace(model) ? b.input(NETNS_SLOT, NETNS_FD) : undefined;
  const highest = steps.placeInputs(b);
  const waitsBeforeReexec = hasNamespace(model, 'user');
  if (waitsBeforeReexec) {
    steps.close(b, b.input(SYNC_WRITE_SLOT), { label: "close the parent's end of the sync pipe" });
    steps.close(b, b.input(ERROR_READ_SLOT), { label: "close the parent's end of the error pipe" });
    dieWithParent(b);
    waitForGo(b, sync);
    namespaceRootSteps(b, model);
  }
  steps.reexecExecutor(b);
  steps.notDumpable(b);
  // Whatever it inherited without close-on-exec: gone before any namespace is entered.
  steps.closeRange(b, highest + 1, 0, { label: 'close every fd it was not given' });
  // Never the caller's terminal as a controlling terminal (TIOCSTI).
  steps.setsid(b);
  dieWithParent(b);
  enterNamespaces(b, model, 'native', netns);
  if (!waitsBeforeReexec) waitForGo(b, sync);
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
  if (netns) steps.setns(b, netns, CLONE.NEWNET, 'enter the configured network namespace');
}

function waitForGo(b: PlanBuilder, sync: SlotRef): void {
  steps.read(b, sync, 1, 'wait for the parent (sync pipe)', { zeroIsError: true });
}
