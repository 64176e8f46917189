// Loads a device program and attaches it to a cgroup v2 directory through bpf(2).
// Only @lc/system calls into libc: this file lays out `union bpf_attr` and passes its
// address to System.syscall.
import { closeSync, constants, openSync } from 'node:fs';
import { O, SysError, type System, syscallNumber } from '@lc/system';
import { CgroupError } from './cgroup-error.js';
import { INSTRUCTION_SIZE } from './device-program.js';

const BPF_PROG_LOAD = 5n;
const BPF_PROG_ATTACH = 8n;
const BPF_PROG_DETACH = 9n;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
/** Lets other programs (systemd's, a parent runtime's) stay attached beside ours. */
export const BPF_F_ALLOW_MULTI = 2;

// The kernel accepts a shorter or longer bpf_attr as long as the bytes past the fields
// it knows are zero; 128 zeroed bytes cover every field used here.
const ATTR_SIZE = 128;
const LOG_SIZE = 64 * 1024;
const LICENSE = 'Apache-2.0';
const PROGRAM_NAME = 'lc_devices';

const FIELD = 'cgroups.allowed_devices';

export interface LoadAttrInput {
  readonly insns: bigint;
  readonly insnCount: number;
  readonly license: bigint;
  readonly logLevel?: number;
  readonly logBuf?: bigint;
  readonly logSize?: number;
}

/** union bpf_attr for BPF_PROG_LOAD (the fields up to prog_name). */
export function progLoadAttr(input: LoadAttrInput): Uint8Array {
  const attr = new Uint8Array(ATTR_SIZE);
  const view = new DataView(attr.buffer);
  view.setUint32(0, BPF_PROG_TYPE_CGROUP_DEVICE, true); // prog_type
  view.setUint32(4, input.insnCount, true); // insn_cnt
  view.setBigUint64(8, input.insns, true); // insns
  view.setBigUint64(16, input.license, true); // license
  view.setUint32(24, input.logLevel ?? 0, true); // log_level
  view.setUint32(28, input.logSize ?? 0, true); // log_size
  view.setBigUint64(32, input.logBuf ?? 0n, true); // log_buf
  // kern_version (40), prog_flags (44) stay 0; prog_name (48, 16 bytes) names it in bpftool.
  attr.set(new TextEncoder().encode(PROGRAM_NAME), 48);
  return attr;
}

/** union bpf_attr for BPF_PROG_ATTACH and BPF_PROG_DETACH. */
export function progAttachAttr(targetFd: number, programFd: number, flags: number): Uint8Array {
  const attr = new Uint8Array(ATTR_SIZE);
  const view = new DataView(attr.buffer);
  view.setUint32(0, targetFd, true); // target_fd
  view.setUint32(4, programFd, true); // attach_bpf_fd
  view.setUint32(8, BPF_CGROUP_DEVICE, true); // attach_type
  view.setUint32(12, flags, true); // attach_flags
  return attr;
}

function bpf(sys: System, command: bigint, attr: Uint8Array): bigint {
  return sys.syscall('bpf', syscallNumber('bpf', sys.arch), [command, sys.addressOf(attr), BigInt(attr.length)]);
}

/** The errno name of a failed bpf(2): the CgroupError code. */
function errorCode(error: unknown): string {
  return SysError.isInstance(error) ? error.code : 'CGROUP';
}

/** What went wrong, for the message: the errno name, or the unexpected error's own words. */
function reason(error: unknown): string {
  return SysError.isInstance(error) ? error.code : error instanceof Error ? error.message : String(error);
}

/**
 * BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program: its fd. On failure the load
 * is repeated with the verifier log on, so the error can say what the verifier refused.
 */
export function loadDeviceProgram(sys: System, program: Uint8Array): number {
  if (program.length === 0 || program.length % INSTRUCTION_SIZE !== 0) {
    throw new CgroupError('CGROUP', `${FIELD}: load device program: ${program.length} bytes is not a program`);
  }
  // The buffers must stay referenced until the call returns: the kernel reads them by address.
  const license = new TextEncoder().encode(`${LICENSE}\0`);
  const base = { insns: sys.addressOf(program), insnCount: program.length / INSTRUCTION_SIZE, license: sys.addressOf(license) };
  try {
    return Number(bpf(sys, BPF_PROG_LOAD, progLoadAttr(base)));
  } catch (error) {
    const log = new Uint8Array(LOG_SIZE);
    let detail = '';
    try {
      const fd = Number(bpf(sys, BPF_PROG_LOAD, progLoadAttr({ ...base, logLevel: 1, logBuf: sys.addressOf(log), logSize: LOG_SIZE })));
      // Loaded with the log on (a transient failure): keep it.
      return fd;
    } catch {
      detail = verifierMessage(log);
    }
    const suffix = detail === '' ? '' : ` (verifier: ${detail})`;
    throw new CgroupError(errorCode(error), `${FIELD}: load device program: ${reason(error)}${suffix}`, { cause: error });
  }
}

/** The verifier's last words, on one line. */
export function verifierMessage(log: Uint8Array): string {
  const end = log.indexOf(0);
  const text = new TextDecoder().decode(end === -1 ? log : log.subarray(0, end));
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // The log ends with a summary ("processed N insns ..."); the refusal is the line before it.
  const refusal = lines.filter((line) => !line.startsWith('processed ') && !line.startsWith('verification time'));
  return (refusal.at(-1) ?? lines.at(-1) ?? '').trim();
}

export interface AttachedDeviceProgram {
  /** BPF_PROG_DETACH, then closes the fds. Quiet when the cgroup is already gone. */
  detach(): void;
}

/**
 * Loads `program` and attaches it to the cgroup v2 directory `cgroupDir`. The program
 * stays attached while the cgroup lives (or until `detach`), whatever happens to fds.
 */
export function attachDeviceProgram(sys: System, cgroupDir: string, program: Uint8Array): AttachedDeviceProgram {
  let cgroupFd: number;
  try {
    // O_DIRECTORY from node (it differs between x86-64 and arm64); O_CLOEXEC is the same on both.
    cgroupFd = openSync(cgroupDir, constants.O_RDONLY | constants.O_DIRECTORY | O.CLOEXEC);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'CGROUP';
    throw new CgroupError(code, `${FIELD}: open ${cgroupDir}: ${code}`, { cause: error, path: cgroupDir });
  }
  let programFd: number;
  try {
    programFd = loadDeviceProgram(sys, program);
  } catch (error) {
    closeSync(cgroupFd);
    throw error;
  }
  try {
    bpf(sys, BPF_PROG_ATTACH, progAttachAttr(cgroupFd, programFd, BPF_F_ALLOW_MULTI));
  } catch (error) {
    sys.close(programFd);
    closeSync(cgroupFd);
    throw new CgroupError(errorCode(error), `${FIELD}: attach device program to ${cgroupDir}: ${reason(error)}`, {
      cause: error,
      path: cgroupDir,
    });
  }

  let attached = true;
  return {
    detach(): void {
      if (!attached) return;
      attached = false;
      try {
        // Flags must be 0 here: kernels since 6.6 refuse attach_flags on a cgroup detach.
        bpf(sys, BPF_PROG_DETACH, progAttachAttr(cgroupFd, programFd, 0));
      } catch (error) {
        // ENOENT: the cgroup was removed, which detached the program already.
        if (!(SysError.isInstance(error) && error.code === 'ENOENT')) {
          throw new CgroupError(errorCode(error), `${FIELD}: detach device program from ${cgroupDir}: ${reason(error)}`, {
            cause: error,
            path: cgroupDir,
          });
        }
      } finally {
        sys.close(programFd);
        closeSync(cgroupFd);
      }
    },
  };
}
