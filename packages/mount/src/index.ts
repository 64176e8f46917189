export { pivotSteps } from './pivot.js';
export { readonlyRootSteps } from './readonly-root.js';
export { rootfsSteps } from './rootfs.js';
