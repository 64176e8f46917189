export { type AttachedDeviceProgram, attachDeviceProgram } from './bpf.js';
export { CgroupError, type CgroupErrorOptions } from './cgroup-error.js';
export { type CgroupFiles, nodeCgroupFiles } from './cgroup-files.js';
export { createCgroupManager } from './create-cgroup-manager.js';
export { deviceProgram, evaluateDeviceProgram } from './device-program.js';
export {
  DEFAULT_ALLOWED_DEVICES,
  DENY_ALL,
  type DeviceCgroupConfig,
  type DeviceRequest,
  type DeviceRule,
  deviceRules,
  deviceVerdict,
  formatDeviceRule,
  v1DeviceWrites,
} from './devices.js';
export { removeDirectory } from './directories.js';
export {
  type CgroupMount,
  conventionalLayout,
  type Layout,
  type LayoutKind,
  type ProcessCgroups,
  parseLayout,
  parseProcessCgroups,
  readLayout,
  readProcessCgroups,
} from './layout.js';
export type { CgroupManager, CgroupManagerOptions, ManagerContext } from './manager.js';
export { type OomWatch, watchOom } from './oom-events.js';
export { type OomCounters, oomsSince, parseMemoryEvents } from './oom-events-v2.js';
export type { BlkioEntry, CgroupStats, FreezerState } from './stats.js';
export { V1Manager } from './v1-manager.js';
export { V2Manager } from './v2-manager.js';
export { blkioToIoWeight, sharesToWeight } from './v2-translate.js';
