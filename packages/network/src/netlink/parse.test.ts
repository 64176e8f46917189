import { describe, expect, it } from 'vitest';
import { ADDR_DUMP_LO, hex, LINK_DUMP_LO } from './kernel-fixtures.test-data.js';
import { decodeMessages } from './message.js';
import { parseAddress, parseLink } from './parse.js';

describe('parsing kernel dumps', () => {
  it('reads lo from a real RTM_GETLINK dump', () => {
    const [message] = decodeMessages(hex(LINK_DUMP_LO[0]!));
    expect(parseLink(message!)).toEqual({
      index: 1,
      name: 'lo',
      flags: 0x8, // IFF_LOOPBACK, down in a fresh namespace
      up: false,
      mtu: 65536,
      address: '00:00:00:00:00:00',
      master: undefined,
      kind: undefined,
    });
  });

  it('reads 127.0.0.1/8 and ::1/128 from a real RTM_GETADDR dump', () => {
    const [first, done] = ADDR_DUMP_LO.map((datagram) => decodeMessages(hex(datagram)));
    expect(done?.map((m) => m.type)).toEqual([3]);
    expect(first?.map(parseAddress)).toEqual([
      { family: 'inet', prefixlen: 8, address: '127.0.0.1', local: '127.0.0.1', index: 1, scope: 254 },
      { family: 'inet6', prefixlen: 128, address: '::1', local: undefined, index: 1, scope: 254 },
    ]);
  });

  it('refuses a message of another type', () => {
    const [ack] = decodeMessages(hex(ADDR_DUMP_LO[1]!));
    expect(() => parseLink(ack!)).toThrow('netlink: expected RTM_NEWLINK (type 16), got type 3');
  });
});
