// The user namespace's uid and gid maps, written by the parent while the clone3 child
// waits on the sync pipe: the kernel takes them only from outside the namespace, and
// only once.
import { writeFileSync } from 'node:fs';
import { type ContainerModel, hasNamespace, type IdMapping } from '@lc/config-types';
import { ConfigurationError } from './errors.js';

/**
 * An unprivileged parent (a rootless container) may map its own gid only after
 * writing "deny" to /proc/<pid>/setgroups (user_namespaces(7)); the container then
 * cannot call setgroups either.
 */
export function setgroupsDenied(model: ContainerModel): boolean {
  return hasNamespace(model, 'user') && process.geteuid?.() !== 0;
}

export function writeIdMappings(pid: number, model: ContainerModel): void {
  if (!hasNamespace(model, 'user')) return;
  if (setgroupsDenied(model)) write(pid, 'setgroups', 'deny', 'gid_mappings');
  write(pid, 'uid_map', mapText(model.uidMappings), 'uid_mappings');
  write(pid, 'gid_map', mapText(model.gidMappings), 'gid_mappings');
}

function mapText(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerId} ${m.hostId} ${m.size}\n`).join('');
}

function write(pid: number, file: string, text: string, field: string): void {
  try {
    writeFileSync(`/proc/${pid}/${file}`, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const hint = code === 'EPERM' && process.geteuid?.() !== 0 ? ' (unprivileged: map only your own uid and gid)' : '';
    throw new ConfigurationError(field, `write /proc/${pid}/${file}: ${code}${hint}`);
  }
}
