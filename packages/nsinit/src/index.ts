export type { ExitStatus, RunningContainer, StartOptions, StdioEntry } from './container.js';
export { startContainer } from './container.js';
export type { RecordedContainer } from './container-state.js';
export { processStartTime, runningContainer } from './container-state.js';
export { ConfigurationError, ContainerRunningError, InitError } from './errors.js';
export { createHostRootfs, DEFAULT_CAPABILITIES } from './host-rootfs.js';
export { buildInitPlan } from './init-plan.js';
