// rtnetlink constants from the Linux UAPI headers (linux/netlink.h, linux/rtnetlink.h,
// linux/if_link.h, linux/if_addr.h, linux/veth.h). The same on x86-64 and aarch64.

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0x80000;
export const NETLINK_ROUTE = 0;

/** recvfrom(2): return the real length of a datagram even when it did not fit. */
export const MSG_TRUNC = 0x20;

export const NLMSG = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
} as const;

export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  // GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  // NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
} as const;

export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
} as const;

export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  NET_NS_PID: 19,
  NET_NS_FD: 28,
} as const;

export const IFLA_INFO = {
  KIND: 1,
  DATA: 2,
} as const;

export const VETH_INFO_PEER = 1;

export const IFA = {
  ADDRESS: 1,
  LOCAL: 2,
  LABEL: 3,
  BROADCAST: 4,
} as const;

export const RTA = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  TABLE: 15,
} as const;

export const RT_TABLE_MAIN = 254;
export const RTPROT_BOOT = 3;
export const RT_SCOPE = {
  UNIVERSE: 0,
  LINK: 253,
  HOST: 254,
} as const;
export const RTN_UNICAST = 1;

export const IFF_UP = 0x1;

/** NLA_F_NESTED: set by the kernel on some nested attributes; not part of the type. */
export const NLA_TYPE_MASK = 0x3fff;
