export { type InterfaceStats, interfaceStats, parseNetDev } from './interface-stats.js';
export { loopbackSteps } from './loopback.js';
export * from './netlink/index.js';
export { addRoutes, createVeth, removeVeth, type VethContainer, type VethNames, vethNames } from './veth.js';
