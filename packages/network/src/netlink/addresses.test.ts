import { describe, expect, it } from 'vitest';
import { formatIp, formatMac, parseCidr, parseIp, parseMac } from './addresses.js';

const v6 = (text: string): string => Buffer.from(parseIp(text).bytes).toString('hex');

describe('addresses', () => {
  it('parses v4 and v6, with :: and an embedded v4 tail', () => {
    expect(parseIp('10.0.0.2')).toEqual({ family: 2, bytes: Uint8Array.of(10, 0, 0, 2) });
    expect(v6('fd00::2')).toBe('fd000000000000000000000000000002');
    expect(v6('::')).toBe('0'.repeat(32));
    expect(v6('1::')).toBe('0001' + '0'.repeat(28));
    expect(v6('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
    expect(v6('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
    expect(() => parseIp('10.0.0.256')).toThrow('not an ip address: 10.0.0.256');
  });

  it('formats v6 the RFC 5952 way', () => {
    for (const text of ['fd00::2', '::', '::1', '1::', 'fe80::d0be:f7ff:feaa:6fc9', '1:0:0:2::3', '1:2:3:4:5:6:7:8', '1::4:0:0:8']) {
      expect(formatIp(parseIp(text).bytes)).toBe(text);
    }
  });

  it('parses CIDRs, a bare address as a host prefix', () => {
    expect(parseCidr('10.0.0.2/24').prefixlen).toBe(24);
    expect(parseCidr('fd00::2').prefixlen).toBe(128);
    expect(() => parseCidr('10.0.0.2/33')).toThrow('not a cidr: 10.0.0.2/33');
    expect(() => parseCidr('10.0.0.2/x')).toThrow('not a cidr: 10.0.0.2/x');
  });

  it('parses and formats MAC addresses', () => {
    expect(formatMac(parseMac('02:42:AC:11:00:02'))).toBe('02:42:ac:11:00:02');
    expect(() => parseMac('02:42:ac:11:00')).toThrow('not a mac address: 02:42:ac:11:00');
  });
});
