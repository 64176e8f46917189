// The bodies of rtnetlink requests, as pure functions (no socket): the header fields and
// the payload after nlmsghdr. NetlinkSocket.request adds NLM_F_REQUEST and NLM_F_ACK (or
// NLM_F_DUMP) and the sequence number.
import { type IpAddress, parseCidr, parseIp, parseMac } from './addresses.js';
import { attr, nested, s32Attr, stringAttr, u32Attr } from './attributes.js';
import { AF_INET, AF_UNSPEC, IFA, IFF_UP, IFLA, IFLA_INFO, NLM_F, RT_SCOPE, RT_TABLE_MAIN, RTA, RTM, RTN_UNICAST, RTPROT_BOOT, VETH_INFO_PEER } from './constants.js';
import { encodeIfAddr, encodeIfInfo, encodeRtMsg } from './structs.js';

export interface Request {
  readonly type: number;
  readonly flags: number;
  readonly parts: readonly Uint8Array[];
}

/** A network namespace: an open /proc/<pid>/ns/net (or bind-mounted) fd, or a pid. */
export type NetnsTarget = { readonly fd: number } | { readonly pid: number };

export interface VethPeer {
  readonly name: string;
  /** Create the peer directly in this namespace (no window where it sits in ours). */
  readonly netns?: NetnsTarget;
  readonly mtu?: number;
  readonly address?: string;
}

export interface VethSpec {
  readonly name: string;
  readonly peer: VethPeer;
  readonly mtu?: number;
  readonly address?: string;
}

export interface RouteSpec {
  /** A CIDR; absent = the default route (0.0.0.0/0 or ::/0). */
  readonly destination?: string;
  readonly gateway?: string;
  /** The output interface index. */
  readonly oif?: number;
}

/** A link is named by IFLA_IFNAME with index 0, or by index. */
export type LinkSelector = { readonly name: string } | { readonly index: number };

function selectLink(link: LinkSelector, fields: { flags?: number; change?: number } = {}): Uint8Array[] {
  if ('index' in link) return [encodeIfInfo({ family: AF_UNSPEC, index: link.index, ...fields })];
  // ifi_index 0 and IFLA_IFNAME: the kernel looks the device up by name.
  return [encodeIfInfo({ family: AF_UNSPEC, ...fields }), stringAttr(IFLA.IFNAME, link.name)];
}

const netnsAttr = (target: NetnsTarget): Uint8Array => ('fd' in target ? s32Attr(IFLA.NET_NS_FD, target.fd) : u32Attr(IFLA.NET_NS_PID, target.pid));

function linkFields(spec: { mtu?: number; address?: string }): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (spec.mtu !== undefined) out.push(u32Attr(IFLA.MTU, spec.mtu));
  if (spec.address !== undefined) out.push(attr(IFLA.ADDRESS, parseMac(spec.address)));
  return out;
}

export function addVethRequest(spec: VethSpec): Request {
  const peer = [encodeIfInfo({ family: AF_UNSPEC }), stringAttr(IFLA.IFNAME, spec.peer.name), ...linkFields(spec.peer)];
  if (spec.peer.netns !== undefined) peer.push(netnsAttr(spec.peer.netns));
  const linkinfo = nested(IFLA.LINKINFO, [stringAttr(IFLA_INFO.KIND, 'veth'), nested(IFLA_INFO.DATA, [nested(VETH_INFO_PEER, peer)])]);
  return {
    type: RTM.NEWLINK,
    flags: NLM_F.CREATE | NLM_F.EXCL,
    parts: [encodeIfInfo({ family: AF_UNSPEC }), stringAttr(IFLA.IFNAME, spec.name), ...linkFields(spec), linkinfo],
  };
}

export const deleteLinkRequest = (link: LinkSelector): Request => ({ type: RTM.DELLINK, flags: 0, parts: selectLink(link) });

export const setUpRequest = (link: LinkSelector, up: boolean): Request => ({ type: RTM.NEWLINK, flags: 0, parts: selectLink(link, { flags: up ? IFF_UP : 0, change: IFF_UP }) });

export const setMtuRequest = (link: LinkSelector, mtu: number): Request => ({ type: RTM.NEWLINK, flags: 0, parts: [...selectLink(link), u32Attr(IFLA.MTU, mtu)] });

export const setAddressRequest = (link: LinkSelector, mac: string): Request => ({ type: RTM.NEWLINK, flags: 0, parts: [...selectLink(link), attr(IFLA.ADDRESS, parseMac(mac))] });

/** Master index 0 releases the link from its master. */
export const setMasterRequest = (link: LinkSelector, masterIndex: number): Request => ({ type: RTM.NEWLINK, flags: 0, parts: [...selectLink(link), u32Attr(IFLA.MASTER, masterIndex)] });

/** By index: IFLA_IFNAME here is the new name, so it cannot also select the link. */
export const renameRequest = (index: number, name: string): Request => ({ type: RTM.NEWLINK, flags: 0, parts: [...selectLink({ index }), stringAttr(IFLA.IFNAME, name)] });

export const setNetnsRequest = (link: LinkSelector, target: NetnsTarget): Request => ({ type: RTM.NEWLINK, flags: 0, parts: [...selectLink(link), netnsAttr(target)] });

export const getLinkRequest = (link: LinkSelector): Request => ({ type: RTM.GETLINK, flags: 0, parts: selectLink(link) });

export const dumpLinksRequest = (): Request => ({ type: RTM.GETLINK, flags: 0, parts: [encodeIfInfo({ family: AF_UNSPEC })] });

export const dumpAddressesRequest = (): Request => ({ type: RTM.GETADDR, flags: 0, parts: [encodeIfAddr({ family: AF_UNSPEC })] });

export const dumpRoutesRequest = (): Request => ({ type: RTM.GETROUTE, flags: 0, parts: [encodeRtMsg({ family: AF_UNSPEC })] });

export function addAddressRequest(index: number, cidr: string): Request {
  const prefix = parseCidr(cidr);
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer's on point-to-point
  // links, else the same. `ip addr add` sends both.
  return {
    type: RTM.NEWADDR,
    flags: NLM_F.CREATE | NLM_F.EXCL,
    parts: [encodeIfAddr({ family: prefix.family, prefixlen: prefix.prefixlen, index }), attr(IFA.LOCAL, prefix.bytes), attr(IFA.ADDRESS, prefix.bytes)],
  };
}

export function addRouteRequest(spec: RouteSpec): Request {
  const destination = spec.destination === undefined ? undefined : parseCidr(spec.destination);
  const gateway: IpAddress | undefined = spec.gateway === undefined ? undefined : parseIp(spec.gateway);
  const family = destination?.family ?? gateway?.family ?? AF_INET;
  if (destination !== undefined && gateway !== undefined && destination.family !== gateway.family) throw new Error(`route ${spec.destination} via ${spec.gateway}: address families differ`);
  if (destination !== undefined && hasHostBits(destination.bytes, destination.prefixlen)) throw new Error(`route ${spec.destination}: host bits set (did you mean the network address?)`);
  if (gateway === undefined && spec.oif === undefined) throw new Error(`route ${spec.destination ?? 'default'}: needs a gateway or a device`);
  const parts = [
    encodeRtMsg({
      family,
      dstLen: destination?.prefixlen ?? 0,
      table: RT_TABLE_MAIN,
      protocol: RTPROT_BOOT,
      // Without a gateway the destination is on the link itself.
      scope: gateway === undefined ? RT_SCOPE.LINK : RT_SCOPE.UNIVERSE,
      type: RTN_UNICAST,
    }),
  ];
  if (destination !== undefined) parts.push(attr(RTA.DST, destination.bytes));
  if (gateway !== undefined) parts.push(attr(RTA.GATEWAY, gateway.bytes));
  if (spec.oif !== undefined) parts.push(u32Attr(RTA.OIF, spec.oif));
  return { type: RTM.NEWROUTE, flags: NLM_F.CREATE | NLM_F.EXCL, parts };
}

/** The kernel rejects a destination with host bits set (EINVAL): say why, before asking. */
function hasHostBits(bytes: Uint8Array, prefixlen: number): boolean {
  return bytes.some((byte, i) => {
    const bits = Math.max(0, Math.min(8, prefixlen - i * 8));
    return (byte & ~(0xff << (8 - bits)) & 0xff) !== 0;
  });
}
