// Typed views of the RTM_NEWLINK / RTM_NEWADDR / RTM_NEWROUTE messages the kernel sends
// in replies and dumps.
import { formatIp, formatMac } from './addresses.js';
import { attributeMap, readString, readU32 } from './attributes.js';
import { AF_INET, AF_INET6, IFA, IFF_UP, IFLA, IFLA_INFO, RTA, RTM } from './constants.js';
import type { NetlinkMessage } from './message.js';
import { decodeIfAddr, decodeIfInfo, decodeRtMsg, IFADDRMSG_SIZE, IFINFOMSG_SIZE, RTMSG_SIZE } from './structs.js';

export interface Link {
  readonly index: number;
  readonly name: string;
  /** IFF_* bits (IFF_UP = 1, IFF_LOOPBACK = 8, IFF_RUNNING = 0x40, ...). */
  readonly flags: number;
  readonly up: boolean;
  readonly mtu: number | undefined;
  /** The hardware address, `aa:bb:cc:dd:ee:ff` for Ethernet. */
  readonly address: string | undefined;
  /** The index of the master (a bridge), if enslaved. */
  readonly master: number | undefined;
  /** IFLA_INFO_KIND: 'veth', 'bridge', ... (absent for plain devices such as lo). */
  readonly kind: string | undefined;
}

export type AddressFamily = 'inet' | 'inet6';

export interface Address {
  readonly family: AddressFamily;
  readonly prefixlen: number;
  /** IFA_ADDRESS (for a point-to-point link the peer; else the same as IFA_LOCAL). */
  readonly address: string;
  readonly local: string | undefined;
  /** The interface index. */
  readonly index: number;
  readonly scope: number;
}

export interface Route {
  readonly family: AddressFamily;
  /** `default`, or `10.0.0.0/24`. */
  readonly destination: string;
  readonly gateway: string | undefined;
  readonly oif: number | undefined;
  readonly table: number;
  readonly scope: number;
  readonly type: number;
}

function family(value: number): AddressFamily {
  if (value === AF_INET) return 'inet';
  if (value === AF_INET6) return 'inet6';
  throw new Error(`netlink: unexpected address family ${value}`);
}

function expectType(message: NetlinkMessage, type: number, what: string): void {
  if (message.type !== type) throw new Error(`netlink: expected ${what} (type ${type}), got type ${message.type}`);
}

export function parseLink(message: NetlinkMessage): Link {
  expectType(message, RTM.NEWLINK, 'RTM_NEWLINK');
  const info = decodeIfInfo(message.payload);
  const attrs = attributeMap(message.payload.subarray(IFINFOMSG_SIZE));
  const name = attrs.get(IFLA.IFNAME);
  const mtu = attrs.get(IFLA.MTU);
  const address = attrs.get(IFLA.ADDRESS);
  const master = attrs.get(IFLA.MASTER);
  const linkinfo = attrs.get(IFLA.LINKINFO);
  const kind = linkinfo === undefined ? undefined : attributeMap(linkinfo).get(IFLA_INFO.KIND);
  return {
    index: info.index,
    name: name === undefined ? '' : readString(name),
    flags: info.flags,
    up: (info.flags & IFF_UP) !== 0,
    mtu: mtu === undefined ? undefined : readU32(mtu),
    address: address === undefined ? undefined : formatMac(address),
    master: master === undefined ? undefined : readU32(master),
    kind: kind === undefined ? undefined : readString(kind),
  };
}

export function parseAddress(message: NetlinkMessage): Address {
  expectType(message, RTM.NEWADDR, 'RTM_NEWADDR');
  const info = decodeIfAddr(message.payload);
  const attrs = attributeMap(message.payload.subarray(IFADDRMSG_SIZE));
  const local = attrs.get(IFA.LOCAL);
  const address = attrs.get(IFA.ADDRESS) ?? local;
  if (address === undefined) throw new Error('netlink: RTM_NEWADDR without IFA_ADDRESS');
  return {
    family: family(info.family),
    prefixlen: info.prefixlen,
    address: formatIp(address),
    local: local === undefined ? undefined : formatIp(local),
    index: info.index,
    scope: info.scope,
  };
}

export function parseRoute(message: NetlinkMessage): Route {
  expectType(message, RTM.NEWROUTE, 'RTM_NEWROUTE');
  const rt = decodeRtMsg(message.payload);
  const attrs = attributeMap(message.payload.subarray(RTMSG_SIZE));
  const dst = attrs.get(RTA.DST);
  const gateway = attrs.get(RTA.GATEWAY);
  const oif = attrs.get(RTA.OIF);
  const table = attrs.get(RTA.TABLE);
  return {
    family: family(rt.family),
    destination: dst === undefined ? 'default' : `${formatIp(dst)}/${rt.dstLen}`,
    gateway: gateway === undefined ? undefined : formatIp(gateway),
    oif: oif === undefined ? undefined : readU32(oif),
    // RTA_TABLE holds table ids above 255, which do not fit rtm_table.
    table: table === undefined ? rt.table : readU32(table),
    scope: rt.scope,
    type: rt.type,
  };
}
