// Which executor runs a container's plan, and which namespaces each one creates
// where. The plans differ only in their first steps (start-steps.ts).
import { type ContainerModel, hasNamespace, type NamespaceKind } from '@lc/config-types';
import { CLONE } from '@lc/system';
import { joinedNetworkNamespace } from './network-namespace.js';

/**
 * `native`: a clone3 child runs the plan in the native executor (x86-64); `node`: a
 * Node init process runs it with the TypeScript executor (any architecture).
 */
export type Executor = 'native' | 'node';

export function defaultExecutor(): Executor {
  const chosen = process.env.LC_EXECUTOR;
  if (chosen === 'native' || chosen === 'node') return chosen;
  return process.arch === 'x64' ? 'native' : 'node';
}

const FLAGS: readonly (readonly [NamespaceKind, number])[] = [
  ['mount', CLONE.NEWNS],
  ['uts', CLONE.NEWUTS],
  ['ipc', CLONE.NEWIPC],
  ['network', CLONE.NEWNET],
  ['pid', CLONE.NEWPID],
  ['user', CLONE.NEWUSER],
];

function flagsOf(model: ContainerModel, kinds: readonly NamespaceKind[]): number {
  return FLAGS.filter(([kind]) => kinds.includes(kind) && createsNamespace(model, kind)).reduce((all, [, flag]) => all | flag, 0);
}

/** A namespace the container gets new: one it has, unless it joins an existing one (netns). */
export function createsNamespace(model: ContainerModel, kind: NamespaceKind): boolean {
  if (kind === 'network' && joinedNetworkNamespace(model)) return false;
  return hasNamespace(model, kind);
}

/**
 * Namespaces the native executor's fork is made in (start-steps.ts). A new pid
 * namespace must exist before its first process is made; a user namespace comes first
 * of all (the others must be owned by it, and the parent maps its ids while the
 * process waits). The rest are made by the process itself, as its first steps. The
 * node executor's split is in spawn-init.ts.
 */
export function cloneNamespaces(model: ContainerModel): number {
  // With veth networks the parent configures the container's netns before the go, so
  // it must exist when the fork is reported.
  return flagsOf(model, parentConfiguresNetwork(model) ? ['user', 'pid', 'network'] : ['user', 'pid']);
}

/** Also when prestart hooks run: they are there to set up the container's network. */
function parentConfiguresNetwork(model: ContainerModel): boolean {
  return model.networks.some((network) => network.type === 'veth') || model.routes.length > 0 || model.hooks.prestart.length > 0;
}

/** Namespaces the plan itself unshares, first thing. */
export function namespacesMadeByPlan(model: ContainerModel, executor: Executor): number {
  // The node init is spawned into the parent's unshared uts, ipc, net and pid
  // namespaces; the parent never unshares its mount namespace (that would break its
  // cwd for good), so the init does.
  if (executor === 'node') return flagsOf(model, ['mount']);
  return flagsOf(model, parentConfiguresNetwork(model) ? ['mount', 'uts', 'ipc'] : ['mount', 'uts', 'ipc', 'network']);
}
