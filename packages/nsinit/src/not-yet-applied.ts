// Sections of a valid container.json that this version accepts but does not apply
// yet. Running a container that silently ignores its memory limit or its network
// would be worse than saying so: the CLI prints these as warnings.
import { type ContainerModel, hasNamespace } from '@lc/config-types';

export function notYetApplied(model: ContainerModel): string[] {
  const notes: string[] = [];
  // The default devices-only cgroup is not missed: a rootless container's device nodes are binds.
  if (model.cgroup && !model.cgroup.devicesOnly && process.geteuid?.() !== 0) notes.push('cgroups: not applied to a rootless container');
  if ((model.uidMappings.length > 0 || model.gidMappings.length > 0) && !hasNamespace(model, 'user')) {
    notes.push('uid_mappings/gid_mappings: not applied without NEWUSER');
  }
  return notes;
}
