export * from './constants.js';
export { errnoName, errnoNumber } from './errno.js';
export type { StepFailure } from './execute-plan.js';
export { executePlan } from './execute-plan.js';
export { linuxSystem } from './linux-system.js';
export { makedev } from './makedev.js';
export * from './mount-api.js';
export type { FilesystemOption, NewFilesystem } from './mount-steps.js';
export * as mountSteps from './mount-steps.js';
export type { NativeChild, NativeLaunchInput } from './native/native-launch.js';
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
export { EXECUTOR_INPUT, IGNORE, ignoreErrno, imm, PlanBuilder, REPORT_FLAG, ZERO_RESULT_ERRNO } from './plan.js';
export { PAUSE_STEPS, withFailureAt, withPauseAt } from './plan-faults.js';
export type { MountArgs, MountAttributes, OpenHow } from './plan-steps.js';
export * as steps from './plan-steps.js';
export { renderPlan, renderStep, renderValue } from './render-plan.js';
export type { PathLookup, ResolvedPath } from './resolve-in-root.js';
export { resolveInRoot } from './resolve-in-root.js';
export { deserializePlan, serializePlan } from './serialize-plan.js';
export type { SysErrorOptions } from './sys-error.js';
export { SysError } from './sys-error.js';
export type { Arch, SyscallName } from './syscall-numbers.js';
export { hostArch, syscallNumber, syscallTable } from './syscall-numbers.js';
export type { FileInfo, FileType, NamespaceFile, ProcessExit, Pty, System, WindowSize } from './system.js';
