// A small typed rtnetlink client: `openRtnetlink(sys)` in our own namespace, or
// `openRtnetlink(sys, { netns: fd })` for a socket bound to another network namespace.
// Every call is one request and its ACK; failures are SysErrors naming the operation in
// iproute2's words: `link add veth lcab12: EEXIST`, `addr add 10.0.0.2/24 dev eth0: ENODEV`.
import type { System } from '@lc/system';
import { AF_INET, AF_INET6 } from './constants.js';
import { type Address, type Link, parseAddress, parseLink, parseRoute, type Route } from './parse.js';
import {
  addAddressRequest,
  addRouteRequest,
  addVethRequest,
  deleteLinkRequest,
  dumpAddressesRequest,
  dumpLinksRequest,
  dumpRoutesRequest,
  getLinkRequest,
  type LinkSelector,
  type NetnsTarget,
  type Request,
  type RouteSpec,
  renameRequest,
  setAddressRequest,
  setMasterRequest,
  setMtuRequest,
  setNetnsRequest,
  setUpRequest,
  type VethSpec,
} from './requests.js';
import { NetlinkSocket, type NetlinkSocketOptions } from './socket.js';

/** A link by name, or by interface index. */
export type LinkRef = string | number;

export interface RouteOptions {
  /** A CIDR; absent = the default route. */
  readonly destination?: string;
  readonly gateway?: string;
  readonly device?: LinkRef;
}

export interface Rtnetlink {
  /** A veth pair; the peer may be created directly in another namespace. */
  addVeth(spec: VethSpec): void;
  /** Deletes a link (for a veth, both ends go). */
  deleteLink(link: LinkRef): void;
  setUp(link: LinkRef): void;
  setDown(link: LinkRef): void;
  /** Enslaves to a bridge; `null` releases it. */
  setMaster(link: LinkRef, master: LinkRef | null): void;
  setMtu(link: LinkRef, mtu: number): void;
  /** The hardware (MAC) address, `aa:bb:cc:dd:ee:ff`. */
  setAddress(link: LinkRef, mac: string): void;
  rename(link: LinkRef, name: string): void;
  /** Moves a link into another network namespace (by ns fd or by a pid in it). */
  setNetns(link: LinkRef, target: NetnsTarget): void;
  /** An IPv4 or IPv6 address with its prefix: `10.0.0.2/24`, `fd00::2/64`. */
  addAddress(link: LinkRef, cidr: string): void;
  addRoute(route: RouteOptions): void;
  /** One link; ENODEV if there is none by that name or index. */
  link(link: LinkRef): Link;
  links(): Link[];
  addresses(): Address[];
  routes(): Route[];
  close(): void;
}

const selector = (link: LinkRef): LinkSelector => (typeof link === 'number' ? { index: link } : { name: link });
const netnsText = (target: NetnsTarget): string => ('fd' in target ? `fd ${target.fd}` : `pid ${target.pid}`);

export function openRtnetlink(sys: System, options: NetlinkSocketOptions = {}): Rtnetlink {
  const socket = NetlinkSocket.open(sys, options);
  const run = (operation: string, request: Request, dump = false) => socket.request(operation, request, request.parts, { dump });
  const lookup = (operation: string, link: LinkRef): Link => {
    const [reply] = run(operation, getLinkRequest(selector(link)));
    if (reply === undefined) throw new Error(`${operation}: the kernel sent no link`);
    return parseLink(reply);
  };
  const indexOf = (operation: string, link: LinkRef): number => (typeof link === 'number' ? link : lookup(operation, link).index);

  return {
    addVeth(spec) {
      run(`link add veth ${spec.name}`, addVethRequest(spec));
    },
    deleteLink(link) {
      run(`link del ${link}`, deleteLinkRequest(selector(link)));
    },
    setUp(link) {
      run(`link set ${link} up`, setUpRequest(selector(link), true));
    },
    setDown(link) {
      run(`link set ${link} down`, setUpRequest(selector(link), false));
    },
    setMaster(link, master) {
      const operation = master === null ? `link set ${link} nomaster` : `link set ${link} master ${master}`;
      run(operation, setMasterRequest(selector(link), master === null ? 0 : indexOf(operation, master)));
    },
    setMtu(link, mtu) {
      run(`link set ${link} mtu ${mtu}`, setMtuRequest(selector(link), mtu));
    },
    setAddress(link, mac) {
      run(`link set ${link} address ${mac}`, setAddressRequest(selector(link), mac));
    },
    rename(link, name) {
      const operation = `link set ${link} name ${name}`;
      run(operation, renameRequest(indexOf(operation, link), name));
    },
    setNetns(link, target) {
      run(`link set ${link} netns ${netnsText(target)}`, setNetnsRequest(selector(link), target));
    },
    addAddress(link, cidr) {
      const operation = `addr add ${cidr} dev ${link}`;
      run(operation, addAddressRequest(indexOf(operation, link), cidr));
    },
    addRoute(route) {
      const operation = ['route add', route.destination ?? 'default', ...(route.gateway === undefined ? [] : ['via', route.gateway]), ...(route.device === undefined ? [] : ['dev', String(route.device)])].join(' ');
      const spec: RouteSpec = {
        ...(route.destination === undefined ? {} : { destination: route.destination }),
        ...(route.gateway === undefined ? {} : { gateway: route.gateway }),
        ...(route.device === undefined ? {} : { oif: indexOf(operation, route.device) }),
      };
      let request: Request;
      try {
        request = addRouteRequest(spec);
      } catch (error) {
        throw new Error(`${operation}: ${(error as Error).message.replace(/^route [^:]*: /, '')}`);
      }
      run(operation, request);
    },
    link(link) {
      return lookup(`link show ${link}`, link);
    },
    links() {
      return run('link show', dumpLinksRequest(), true).map(parseLink);
    },
    addresses() {
      return run('addr show', dumpAddressesRequest(), true).map(parseAddress);
    },
    routes() {
      // An AF_UNSPEC dump also holds multicast routing families (RTNL_FAMILY_IPMR...).
      return run('route show', dumpRoutesRequest(), true)
        .filter((message) => message.payload[0] === AF_INET || message.payload[0] === AF_INET6)
        .map(parseRoute);
    },
    close() {
      socket.close();
    },
  };
}
