import { describe, expect, it } from 'vitest';
import { attr, nested, parseAttributes, readString, readU32, stringAttr, u32Attr } from './attributes.js';
import { hex } from './kernel-fixtures.test-data.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('rtattr', () => {
  it('pads to 4 bytes but counts only header and payload in rta_len', () => {
    // rta_len 7 (4 + "lo\0"), rta_type 3 (IFLA_IFNAME), one byte of padding
    expect(toHex(stringAttr(3, 'lo'))).toBe('07000300' + '6c6f00' + '00');
    expect(toHex(u32Attr(4, 1500))).toBe('08000400' + 'dc050000');
    expect(toHex(attr(1, new Uint8Array(0)))).toBe('04000100');
  });

  it('nests: the parent payload is the padded children', () => {
    // IFLA_LINKINFO { IFLA_INFO_KIND "veth" }: child 9 bytes padded to 12, parent 16
    expect(toHex(nested(18, [stringAttr(1, 'veth')]))).toBe('10001200' + '09000100' + '7665746800' + '000000');
  });

  it('parses back, masking NLA_F_NESTED out of the type', () => {
    const bytes = hex('0c00128008000100dc050000' + '07000300' + '6c6f0000');
    const [linkinfo, name] = parseAttributes(bytes);
    expect(linkinfo?.type).toBe(18);
    expect(parseAttributes(linkinfo!.data).map((a) => [a.type, readU32(a.data)])).toEqual([[1, 1500]]);
    expect(name?.type).toBe(3);
    expect(readString(name!.data)).toBe('lo');
  });

  it('rejects an attribute that runs past the buffer', () => {
    expect(() => parseAttributes(hex('10000300' + '6c6f0000'))).toThrow('netlink: bad attribute length 16 at offset 0');
  });
});
