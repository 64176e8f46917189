// A seccomp filter as classic BPF: the program the kernel runs on each system call of
// the container's processes, over struct seccomp_data { int nr; u32 arch; u64 ip;
// u64 args[6] }. Short and flat, as libseccomp makes it for a list of names: check the
// ABI, then one comparison per system call, then the default action. Every jump skips
// at most one instruction, so no offset ever nears the 255 a BPF jump can hold.
import type { SeccompAction } from '@lc/config-types';
import type { Arch } from '@lc/system';

const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_JMP_JGE_K = 0x35;
const BPF_RET_K = 0x06;

const SECCOMP_DATA_NR = 0;
const SECCOMP_DATA_ARCH = 4;

/** <linux/audit.h>: the ABI a system call came in by. */
const AUDIT_ARCH: Record<Arch, number> = { x64: 0xc000003e, arm64: 0xc00000b7 };
/** x32 system calls reach an x86-64 kernel with this bit set in nr, under the same arch. */
const X32_SYSCALL_BIT = 0x40000000;

const ENOSYS = 38;

/** <linux/seccomp.h> return values. */
export function actionValue(action: SeccompAction): number {
  switch (action.type) {
    case 'SCMP_ACT_KILL':
      return 0x00000000; // SECCOMP_RET_KILL_THREAD
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_ERRNO':
      return 0x00050000 | (action.errno ?? 1); // EPERM unless told
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
  }
}

export interface FilterRule {
  readonly nr: number;
  readonly action: number;
}

/**
 * The program: system calls of another ABI (i386's int 0x80 on x86-64, or x32) get
 * ENOSYS — a list of names would not apply to their numbers, and letting them through
 * would bypass it; each rule's number its action; everything else the default.
 */
export function seccompProgram(arch: Arch, rules: readonly FilterRule[], defaultAction: number): Uint8Array {
  const program: [number, number, number, number][] = [];
  const ins = (code: number, k: number, jt = 0, jf = 0) => program.push([code, jt, jf, k >>> 0]);
  const refuse = 0x00050000 | ENOSYS;
  ins(BPF_LD_W_ABS, SECCOMP_DATA_ARCH);
  ins(BPF_JMP_JEQ_K, AUDIT_ARCH[arch], 1, 0);
  ins(BPF_RET_K, refuse);
  ins(BPF_LD_W_ABS, SECCOMP_DATA_NR);
  if (arch === 'x64') {
    ins(BPF_JMP_JGE_K, X32_SYSCALL_BIT, 0, 1);
    ins(BPF_RET_K, refuse);
  }
  for (const rule of rules) {
    ins(BPF_JMP_JEQ_K, rule.nr, 0, 1);
    ins(BPF_RET_K, rule.action);
  }
  ins(BPF_RET_K, defaultAction);
  const bytes = new Uint8Array(8 * program.length);
  const view = new DataView(bytes.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(8 * i, code, true);
    view.setUint8(8 * i + 2, jt);
    view.setUint8(8 * i + 3, jf);
    view.setUint32(8 * i + 4, k, true);
  });
  return bytes;
}
