// The fixed headers that follow nlmsghdr in rtnetlink messages, before the attributes.
// struct ifinfomsg (16 bytes): u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
// struct ifaddrmsg (8 bytes):  u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index.
// struct rtmsg (12 bytes):     u8 family, dst_len, src_len, tos, table, protocol, scope,
//                              type; u32 flags.

export const IFINFOMSG_SIZE = 16;
export const IFADDRMSG_SIZE = 8;
export const RTMSG_SIZE = 12;

export interface IfInfoMsg {
  readonly family: number;
  readonly type: number;
  readonly index: number;
  readonly flags: number;
  readonly change: number;
}

export interface IfAddrMsg {
  readonly family: number;
  readonly prefixlen: number;
  readonly flags: number;
  readonly scope: number;
  readonly index: number;
}

export interface RtMsg {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  readonly flags: number;
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function need(bytes: Uint8Array, size: number, what: string): void {
  if (bytes.length < size) throw new Error(`netlink: ${what} needs ${size} bytes, got ${bytes.length}`);
}

export function encodeIfInfo(msg: Partial<IfInfoMsg>): Uint8Array {
  const out = new Uint8Array(IFINFOMSG_SIZE);
  const view = viewOf(out);
  view.setUint8(0, msg.family ?? 0);
  view.setUint16(2, msg.type ?? 0, true);
  view.setInt32(4, msg.index ?? 0, true);
  view.setUint32(8, msg.flags ?? 0, true);
  view.setUint32(12, msg.change ?? 0, true);
  return out;
}

export function decodeIfInfo(bytes: Uint8Array): IfInfoMsg {
  need(bytes, IFINFOMSG_SIZE, 'ifinfomsg');
  const view = viewOf(bytes);
  return {
    family: view.getUint8(0),
    type: view.getUint16(2, true),
    index: view.getInt32(4, true),
    flags: view.getUint32(8, true),
    change: view.getUint32(12, true),
  };
}

export function encodeIfAddr(msg: Partial<IfAddrMsg>): Uint8Array {
  const out = new Uint8Array(IFADDRMSG_SIZE);
  const view = viewOf(out);
  view.setUint8(0, msg.family ?? 0);
  view.setUint8(1, msg.prefixlen ?? 0);
  view.setUint8(2, msg.flags ?? 0);
  view.setUint8(3, msg.scope ?? 0);
  view.setUint32(4, msg.index ?? 0, true);
  return out;
}

export function decodeIfAddr(bytes: Uint8Array): IfAddrMsg {
  need(bytes, IFADDRMSG_SIZE, 'ifaddrmsg');
  const view = viewOf(bytes);
  return {
    family: view.getUint8(0),
    prefixlen: view.getUint8(1),
    flags: view.getUint8(2),
    scope: view.getUint8(3),
    index: view.getUint32(4, true),
  };
}

export function encodeRtMsg(msg: Partial<RtMsg>): Uint8Array {
  const out = new Uint8Array(RTMSG_SIZE);
  const view = viewOf(out);
  const bytes = [msg.family, msg.dstLen, msg.srcLen, msg.tos, msg.table, msg.protocol, msg.scope, msg.type];
  for (const [i, value] of bytes.entries()) view.setUint8(i, value ?? 0);
  view.setUint32(8, msg.flags ?? 0, true);
  return out;
}

export function decodeRtMsg(bytes: Uint8Array): RtMsg {
  need(bytes, RTMSG_SIZE, 'rtmsg');
  const view = viewOf(bytes);
  return {
    family: view.getUint8(0),
    dstLen: view.getUint8(1),
    srcLen: view.getUint8(2),
    tos: view.getUint8(3),
    table: view.getUint8(4),
    protocol: view.getUint8(5),
    scope: view.getUint8(6),
    type: view.getUint8(7),
    flags: view.getUint32(8, true),
  };
}
