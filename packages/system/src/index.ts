export * from './constants.js';
export { errnoName, errnoNumber } from './errno.js';
export { SysError } from './sys-error.js';
export type { SysErrorOptions } from './sys-error.js';
export type { FileInfo, FileType, NamespaceFile, System } from './system.js';
export { hostArch, syscallNumber } from './syscall-numbers.js';
export type { Arch, SyscallName } from './syscall-numbers.js';
export { IGNORE, PlanBuilder, ZERO_RESULT_ERRNO, ignoreErrno, imm } from './plan.js';
export type {
  Arg,
  ArgFormat,
  ArgInput,
  DataItem,
  DataRef,
  ErrorPolicy,
  Immediate,
  Plan,
  Slot,
  SlotRef,
  Step,
  StepOptions,
} from './plan.js';
export * as steps from './plan-steps.js';
export type { MountArgs } from './plan-steps.js';
export { resolveInRoot } from './resolve-in-root.js';
export type { ResolvedPath } from './resolve-in-root.js';
export { makedev } from './makedev.js';
export { renderPlan, renderStep } from './render-plan.js';
export { deserializePlan, serializePlan } from './serialize-plan.js';
export { executePlan } from './execute-plan.js';
export type { StepFailure } from './execute-plan.js';
export { linuxSystem } from './linux-system.js';
