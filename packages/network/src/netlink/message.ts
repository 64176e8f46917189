// struct nlmsghdr (linux/netlink.h): { u32 nlmsg_len; u16 nlmsg_type; u16 nlmsg_flags;
// u32 nlmsg_seq; u32 nlmsg_pid; } then the payload, each message padded to 4 bytes.
// One datagram from the kernel may hold several messages (a multipart dump).
import { align4, concat } from './attributes.js';
import { NLMSG } from './constants.js';

export const NLMSG_HEADER = 16;

export interface NetlinkMessage {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** The bytes after the header, up to nlmsg_len. */
  readonly payload: Uint8Array;
}

export interface MessageHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid?: number;
}

export function encodeMessage(header: MessageHeader, parts: readonly Uint8Array[]): Uint8Array {
  const payload = concat(parts);
  const length = NLMSG_HEADER + payload.length;
  const out = new Uint8Array(align4(length));
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  view.setUint16(4, header.type, true);
  view.setUint16(6, header.flags, true);
  view.setUint32(8, header.seq, true);
  view.setUint32(12, header.pid ?? 0, true);
  out.set(payload, NLMSG_HEADER);
  return out;
}

/** Splits one received datagram into its messages. */
export function decodeMessages(bytes: Uint8Array): NetlinkMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: NetlinkMessage[] = [];
  let offset = 0;
  while (offset + NLMSG_HEADER <= bytes.length) {
    const length = view.getUint32(offset, true);
    if (length < NLMSG_HEADER || offset + length > bytes.length) throw new Error(`netlink: bad message length ${length} at offset ${offset}`);
    out.push({
      length,
      type: view.getUint16(offset + 4, true),
      flags: view.getUint16(offset + 6, true),
      seq: view.getUint32(offset + 8, true),
      pid: view.getUint32(offset + 12, true),
      payload: bytes.subarray(offset + NLMSG_HEADER, offset + length),
    });
    offset += align4(length);
  }
  return out;
}

/**
 * NLMSG_ERROR carries a negative errno (0 for an ACK), then the header of the request
 * it answers. NLMSG_DONE of a dump carries an int too (0, or a negative errno when the
 * dump failed midway). Returns the positive errno, 0 for success.
 */
export function messageErrno(message: NetlinkMessage): number {
  if (message.type !== NLMSG.ERROR && message.type !== NLMSG.DONE) throw new Error(`netlink: message type ${message.type} carries no error code`);
  if (message.payload.length < 4) return 0; // a DONE from an old kernel may be empty
  const error = new DataView(message.payload.buffer, message.payload.byteOffset, 4).getInt32(0, true);
  return error === 0 ? 0 : -error;
}
