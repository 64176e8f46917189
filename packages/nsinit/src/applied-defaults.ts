// What lc applies because container.json does not say: the lines `nsinit plan` prints
// above the plan, so a reader sees the protections a silent config gets (the devices
// cgroup is made by the parent, not by a plan step) and the field that turns each off.
import { deviceRules, formatDeviceRule } from '@lc/cgroups';
import type { ContainerJson, ContainerModel } from '@lc/config-types';

export function appliedDefaults(config: ContainerJson, model: ContainerModel): string[] {
  const lines: string[] = [];
  const add = (field: string, what: string, optOut: string) => lines.push(`${field.padEnd(15)} ${what} (off: ${optOut})`);
  if (config.mask_paths === undefined) add('mask_paths', `Docker's: ${model.maskedPaths.join(' ')}`, '"mask_paths": []');
  if (config.readonly_paths === undefined) add('readonly_paths', `Docker's: ${model.readonlyPaths.join(' ')}`, '"readonly_paths": []');
  if (config.seccomp === undefined && model.seccomp) {
    const named = new Set(model.seccomp.syscalls.flatMap((rule) => rule.names)).size;
    add('seccomp', `Docker's profile for the kept capabilities: rules for ${named} system calls (some by argument), the rest EPERM`, '"seccomp": "unconfined"');
  }
  if (config.cgroups === undefined && model.cgroup) {
    const rules = deviceRules(model.cgroup, model.devices).map(formatDeviceRule);
    const made = process.geteuid?.() === 0 ? 'made as root' : 'not made rootless, where device nodes are binds';
    add('cgroups', `devices cgroup ${model.cgroup.name} (${made}): deny ${rules[0]}, allow ${rules.slice(1).join(', ')}`, '"cgroups": { "device_access": true }');
  }
  lines.push('capabilities    inheritable and ambient sets empty, always');
  return lines;
}
