// struct rtattr (linux/rtnetlink.h): { u16 rta_len; u16 rta_type; } then the payload,
// padded to 4 bytes. rta_len counts the header and the payload but not the padding; the
// next attribute starts at the aligned offset. A nested attribute's payload is a list of
// attributes.
import { NLA_TYPE_MASK } from './constants.js';

export const RTA_HEADER = 4;
export const align4 = (n: number): number => (n + 3) & ~3;

export interface Attribute {
  readonly type: number;
  readonly data: Uint8Array;
}

/** One attribute, padded: `rta_len` is the unpadded length. */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const length = RTA_HEADER + payload.length;
  const out = new Uint8Array(align4(length));
  const view = new DataView(out.buffer);
  view.setUint16(0, length, true);
  view.setUint16(2, type, true);
  out.set(payload, RTA_HEADER);
  return out;
}

export const nested = (type: number, children: readonly Uint8Array[]): Uint8Array => attr(type, concat(children));

export function u32Attr(type: number, value: number): Uint8Array {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, value, true);
  return attr(type, payload);
}

export function s32Attr(type: number, value: number): Uint8Array {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setInt32(0, value, true);
  return attr(type, payload);
}

/** A NUL-terminated string, as the kernel expects for names and kinds. */
export const stringAttr = (type: number, value: string): Uint8Array => attr(type, new TextEncoder().encode(`${value}\0`));

export function parseAttributes(bytes: Uint8Array): Attribute[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Attribute[] = [];
  let offset = 0;
  while (offset + RTA_HEADER <= bytes.length) {
    const length = view.getUint16(offset, true);
    if (length < RTA_HEADER || offset + length > bytes.length) throw new Error(`netlink: bad attribute length ${length} at offset ${offset}`);
    out.push({ type: view.getUint16(offset + 2, true) & NLA_TYPE_MASK, data: bytes.subarray(offset + RTA_HEADER, offset + length) });
    offset += align4(length);
  }
  return out;
}

/** The attributes by type (the last one wins if one repeats). */
export function attributeMap(bytes: Uint8Array): Map<number, Uint8Array> {
  return new Map(parseAttributes(bytes).map((a) => [a.type, a.data]));
}

export function readU32(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
}

/** A NUL-terminated string attribute. */
export function readString(data: Uint8Array): string {
  const end = data.indexOf(0);
  return new TextDecoder().decode(end === -1 ? data : data.subarray(0, end));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
