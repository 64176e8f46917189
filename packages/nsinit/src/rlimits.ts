// The container's resource limits. The parent sets them on the process while it waits
// on the sync pipe (prlimit64), as runc does: raising a hard limit takes
// CAP_SYS_RESOURCE in the initial user namespace, which a process in a user namespace
// of its own never has. The plan sets them again just before the exec: the Node init
// raises its own soft RLIMIT_NOFILE to the hard one when it starts, which may be after
// the parent's call. Limits survive execve, so the program starts with them.
import type { ContainerModel, Rlimit } from '@lc/config-types';
import { type PlanBuilder, SysError, type System, steps, syscallNumber } from '@lc/system';
import { ConfigurationError } from './errors.js';

export function setRlimits(pid: number, model: ContainerModel, sys: System): void {
  model.process.rlimits.forEach((rlimit, index) => {
    // struct rlimit64 { rlim_cur, rlim_max }
    const limits = Buffer.alloc(16);
    limits.writeBigUInt64LE(limitValue(rlimit.soft), 0);
    limits.writeBigUInt64LE(limitValue(rlimit.hard), 8);
    try {
      sys.syscall('prlimit64', syscallNumber('prlimit64', sys.arch), [BigInt(pid), BigInt(rlimit.resource), sys.addressOf(limits), 0n]);
    } catch (error) {
      const code = SysError.isInstance(error) ? error.code : String(error);
      throw new ConfigurationError(`rlimits[${index}]`, `${describe(rlimit)}: prlimit64: ${code}`);
    }
  });
}

/** The same limits, from inside: never a raise, so they need no privilege there. */
export function rlimitSteps(b: PlanBuilder, model: ContainerModel): void {
  for (const rlimit of model.process.rlimits) {
    steps.setRlimit(b, rlimit.resource, limitValue(rlimit.soft), limitValue(rlimit.hard), `set ${describe(rlimit)}`);
  }
}

function limitValue(value: Rlimit['soft']): bigint {
  return value === 'unlimited' ? steps.RLIM_INFINITY : BigInt(value);
}

function describe(rlimit: Rlimit): string {
  return `RLIMIT_${rlimit.name} soft ${rlimit.soft}, hard ${rlimit.hard}`;
}
