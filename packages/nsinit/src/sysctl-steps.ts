// Kernel parameters of the container's own namespaces (container.json `sysctl`), written
// through the container's /proc/sys after the pivot — before /proc/sys may be made
// read-only. Only parameters that belong to a namespace the container has of its own
// are allowed (as runc): any other one is the host's, and writing it would change the
// host.
import { type ContainerModel, hasNamespace, type NamespaceKind } from '@lc/config-types';
import { O, type PlanBuilder, steps } from '@lc/system';
import { ConfigurationError } from './errors.js';

/** The ipc namespace's parameters (ipc_namespaces(7)). */
const IPC_PARAMETERS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/** The namespace a parameter belongs to; undefined: the host's. */
function namespaceOf(name: string): NamespaceKind | undefined {
  if (name.startsWith('net.')) return 'network';
  if (IPC_PARAMETERS.has(name) || name.startsWith('fs.mqueue.')) return 'ipc';
  if (name === 'kernel.hostname' || name === 'kernel.domainname') return 'uts';
  return undefined;
}

const FLAG = { network: 'NEWNET', ipc: 'NEWIPC', uts: 'NEWUTS' } as Partial<Record<NamespaceKind, string>>;

/** Refuses a parameter that is not the container's own: named by its config field. */
export function validateSysctl(model: ContainerModel): void {
  for (const name of Object.keys(model.sysctl)) {
    const field = `sysctl["${name}"]`;
    const kind = namespaceOf(name);
    if (kind === undefined) throw new ConfigurationError(field, 'not a parameter of a namespace: writing it would change the host');
    if (!hasNamespace(model, kind)) throw new ConfigurationError(field, `needs the ${FLAG[kind]} namespace (it would change the host's)`);
  }
}

export function sysctlSteps(b: PlanBuilder, model: ContainerModel): void {
  for (const [name, value] of Object.entries(model.sysctl)) {
    const path = `/proc/sys/${name.replaceAll('.', '/')}`;
    const fd = b.slot(`sysctl-${b.length}`);
    // O_NOFOLLOW: /proc/sys has no links; one there would not be a parameter.
    steps.openat(b, path, O.WRONLY | O.NOFOLLOW | O.CLOEXEC, 0, fd, { label: `open ${path}` });
    steps.write(b, fd, value, { label: `sysctl ${name} = ${value}` });
    steps.close(b, fd, { label: `close ${path}` });
  }
}
