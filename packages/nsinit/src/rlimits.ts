// The container's resource limits, set by the parent on the process while it waits on
// the sync pipe (prlimit64), as runc does: raising a hard limit takes CAP_SYS_RESOURCE
// in the initial user namespace, which a process in a user namespace of its own never
// has. Limits survive execve, so the program starts with them.
import type { ContainerModel, Rlimit } from '@lc/config-types';
import { SysError, type System, syscallNumber } from '@lc/system';
import { ConfigurationError } from './errors.js';

const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

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

function limitValue(value: Rlimit['soft']): bigint {
  return value === 'unlimited' ? RLIM_INFINITY : BigInt(value);
}

function describe(rlimit: Rlimit): string {
  return `RLIMIT_${rlimit.name} soft ${rlimit.soft}, hard ${rlimit.hard}`;
}
