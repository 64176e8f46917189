export { loopbackSteps } from './loopback.js';
export * from './netlink/index.js';
