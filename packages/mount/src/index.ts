export type { Rootfs } from './mount-target.js';
export { pivotSteps } from './pivot.js';
export { readonlyRootSteps } from './readonly-root.js';
export { type RootfsOptions, rootfsSteps } from './rootfs.js';
