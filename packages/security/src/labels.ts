// LSM labels for the program the container execs: an AppArmor profile and an SELinux
// process label. Both are "on exec" settings written to procfs just before execve, so
// the init itself keeps running unconfined until then.
import type { ContainerModel } from '@lc/config-types';
import { O, type PlanBuilder, steps } from '@lc/system';

// thread-self: LSM attributes are per thread, and they must be the executing thread's.
// The apparmor/ directory (Linux 5.1+, LSM stacking) is where AppArmor's own attribute
// lives; the plain attr/exec belongs to the first LSM that claims it, which on an
// SELinux-or-AppArmor host is the one configured.
const APPARMOR_EXEC = '/proc/thread-self/attr/apparmor/exec';
const EXEC = '/proc/thread-self/attr/exec';

export function labelSteps(b: PlanBuilder, model: ContainerModel): void {
  const { apparmorProfile, processLabel } = model.labels;
  if (apparmorProfile) {
    writeAttribute(b, APPARMOR_EXEC, `exec ${apparmorProfile}`, 'apparmor-exec', `set the AppArmor exec profile ${apparmorProfile}`);
  }
  if (processLabel) {
    writeAttribute(b, EXEC, processLabel, 'selinux-exec', `set the SELinux exec label ${processLabel}`);
  }
}

function writeAttribute(b: PlanBuilder, path: string, value: string, slot: string, label: string): void {
  const fd = b.slot(slot);
  steps.openat(b, path, O.WRONLY | O.CLOEXEC, 0, fd);
  steps.write(b, fd, value, { label });
  steps.close(b, fd, { label: `close ${path}` });
}
