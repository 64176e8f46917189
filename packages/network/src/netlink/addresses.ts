// Text forms of IP and MAC addresses to and from the bytes netlink carries.
import { isIPv4, isIPv6 } from 'node:net';
import { AF_INET, AF_INET6 } from './constants.js';

export interface IpAddress {
  readonly family: typeof AF_INET | typeof AF_INET6;
  readonly bytes: Uint8Array;
}

export interface IpPrefix extends IpAddress {
  readonly prefixlen: number;
}

export function parseIp(text: string): IpAddress {
  if (isIPv4(text)) return { family: AF_INET, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (!isIPv6(text)) throw new Error(`not an ip address: ${text}`);
  const lastColon = text.lastIndexOf(':');
  const embedded = text.slice(lastColon + 1);
  if (isIPv4(embedded)) {
    // ::ffff:1.2.3.4: the embedded v4 address is the last two groups
    const [a = 0, b = 0, c = 0, d = 0] = embedded.split('.').map(Number);
    return parseIp(`${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':').map((g) => Number.parseInt(g, 16));
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':').map((g) => Number.parseInt(g, 16));
  const fill = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...new Array<number>(fill).fill(0), ...restGroups];
  const bytes = new Uint8Array(16);
  for (const [i, g] of groups.entries()) {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  }
  return { family: AF_INET6, bytes };
}

/** `10.0.0.2/24`, `fd00::2/64`; a bare address is a host prefix (/32, /128). */
export function parseCidr(text: string): IpPrefix {
  const [address = '', prefix] = text.split('/');
  const ip = parseIp(address);
  const max = ip.family === AF_INET ? 32 : 128;
  const prefixlen = prefix === undefined ? max : Number(prefix);
  if (!/^\d+$/.test(prefix ?? String(max)) || prefixlen > max) throw new Error(`not a cidr: ${text}`);
  return { ...ip, prefixlen };
}

export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new Error(`not an ip address: ${bytes.length} bytes`);
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  // RFC 5952: compress the longest run of two or more zero groups (the first, on a tie).
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

export function parseMac(text: string): Uint8Array {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)) throw new Error(`not a mac address: ${text}`);
  return Uint8Array.from(text.split(':').map((b) => Number.parseInt(b, 16)));
}

export const formatMac = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
