// The executor's own ELF image, one per launch: the native executor's code and a copy
// of the laid-out plan, for the step that execs the executor again from a memfd.
//
// Why: a clone3 child that shares Node's memory (CLONE_VM: no page tables to copy,
// ~3 ms less than a fork of Node here) must not stay that way once anything in the
// container could see it — a process in the container's pid namespace with the same
// credentials could open its /proc/<pid>/mem and write into Node. Exec'ing this image
// gives the child an address space of its own that holds nothing but the executor
// and the plan, with /proc/<pid>/exe a sealed memfd rather than a host binary.
//
// The image is a static, non-PIE x86-64 executable with three program headers: the
// code (read + execute, at CODE_ADDRESS), the plan (read + write, at the address it was
// laid out at in Node, so every pointer in it stays valid), and PT_GNU_STACK (no
// executable stack). The 8 bytes right before the code hold the context's address,
// which the code's lc_resume entry reads (executor.S).

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const PROGRAM_HEADERS = 3;
const PAGE = 4096;
/** Where the code is loaded: the usual base of a static executable, far below any plan. */
export const CODE_ADDRESS = 0x400000n;

const PT_LOAD = 1;
const PT_GNU_STACK = 0x6474e551;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

export interface ExecutorImageInput {
  readonly code: Uint8Array;
  /** Offset of lc_resume in `code`. */
  readonly resumeOffset: number;
  /** The context's address inside the plan copy. */
  readonly contextAddress: bigint;
  /** Where the plan copy is mapped (page-aligned): where it was laid out. */
  readonly planAddress: bigint;
  readonly plan: Uint8Array;
}

export function executorImage(input: ExecutorImageInput): Buffer {
  if (input.planAddress % BigInt(PAGE) !== 0n) throw new Error('the plan copy must be page-aligned');
  const addressSlot = EHDR_SIZE + PHDR_SIZE * PROGRAM_HEADERS;
  const codeOffset = addressSlot + 8;
  const codeEnd = codeOffset + input.code.length;
  const planOffset = Math.ceil(codeEnd / PAGE) * PAGE;
  const image = Buffer.alloc(planOffset + input.plan.length);

  // ELF header: 64-bit, little-endian, System V, ET_EXEC for x86-64 (EM_X86_64 = 62).
  image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  image.writeUInt16LE(2, 16); // e_type: ET_EXEC
  image.writeUInt16LE(62, 18); // e_machine
  image.writeUInt32LE(1, 20); // e_version
  image.writeBigUInt64LE(CODE_ADDRESS + BigInt(codeOffset + input.resumeOffset), 24); // e_entry
  image.writeBigUInt64LE(BigInt(EHDR_SIZE), 32); // e_phoff
  image.writeUInt16LE(EHDR_SIZE, 52); // e_ehsize
  image.writeUInt16LE(PHDR_SIZE, 54); // e_phentsize
  image.writeUInt16LE(PROGRAM_HEADERS, 56); // e_phnum

  programHeader(image, 0, { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, address: CODE_ADDRESS, size: codeEnd });
  programHeader(image, 1, { type: PT_LOAD, flags: PF_R | PF_W, offset: planOffset, address: input.planAddress, size: input.plan.length });
  programHeader(image, 2, { type: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, address: 0n, size: 0 });

  image.writeBigUInt64LE(input.contextAddress, addressSlot);
  image.set(input.code, codeOffset);
  image.set(input.plan, planOffset);
  return image;
}

interface ProgramHeader {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly address: bigint;
  readonly size: number;
}

function programHeader(image: Buffer, index: number, header: ProgramHeader): void {
  const at = EHDR_SIZE + PHDR_SIZE * index;
  image.writeUInt32LE(header.type, at);
  image.writeUInt32LE(header.flags, at + 4);
  image.writeBigUInt64LE(BigInt(header.offset), at + 8); // p_offset
  image.writeBigUInt64LE(header.address, at + 16); // p_vaddr
  image.writeBigUInt64LE(header.address, at + 24); // p_paddr
  image.writeBigUInt64LE(BigInt(header.size), at + 32); // p_filesz
  image.writeBigUInt64LE(BigInt(header.size), at + 40); // p_memsz
  image.writeBigUInt64LE(BigInt(header.type === PT_LOAD ? PAGE : 16), at + 48); // p_align
}
