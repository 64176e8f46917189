// The rtnetlink module: public surface.
export type { IpAddress, IpPrefix } from './addresses.js';
export { formatIp, formatMac, parseCidr, parseIp, parseMac } from './addresses.js';
export type { Address, AddressFamily, Link, Route } from './parse.js';
export type { NetnsTarget, VethPeer, VethSpec } from './requests.js';
export type { LinkRef, RouteOptions, Rtnetlink } from './rtnetlink.js';
export { openRtnetlink } from './rtnetlink.js';
export type { NetlinkSocketOptions, RequestOptions } from './socket.js';
export { inNamespace, NetlinkSocket } from './socket.js';
