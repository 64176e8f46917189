import { describe, expect, it } from 'vitest';
import { NLM_F, NLMSG, RTM } from './constants.js';
import { ACK_LO_UP, ENODEV_DEL, hex, LINK_DUMP_LO } from './kernel-fixtures.test-data.js';
import { decodeMessages, encodeMessage, messageErrno } from './message.js';
import { encodeIfInfo } from './structs.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('nlmsghdr', () => {
  it('encodes len, type, flags, seq, pid little-endian, then the payload', () => {
    const bytes = encodeMessage({ type: RTM.NEWLINK, flags: NLM_F.REQUEST | NLM_F.ACK, seq: 7 }, [encodeIfInfo({ index: 2 })]);
    // len 32, type 16, flags 5, seq 7, pid 0; ifinfomsg with index 2
    expect(toHex(bytes)).toBe('20000000' + '1000' + '0500' + '07000000' + '00000000' + '00000000' + '02000000' + '00000000' + '00000000');
  });

  it('decodes a kernel ACK: NLMSG_ERROR with error 0', () => {
    const [ack, ...rest] = decodeMessages(hex(ACK_LO_UP));
    expect(rest).toEqual([]);
    expect(ack).toMatchObject({ length: 36, type: NLMSG.ERROR, flags: 0x100, seq: 0x6b0cc93d });
    expect(messageErrno(ack!)).toBe(0);
  });

  it('decodes a kernel error: the negative errno, then the request echoed', () => {
    const [error] = decodeMessages(hex(ENODEV_DEL));
    expect(error).toMatchObject({ type: NLMSG.ERROR, length: 64 });
    expect(messageErrno(error!)).toBe(19); // ENODEV
    // the echoed request header: len 44, RTM_DELLINK, REQUEST|ACK
    const echoed = decodeMessages(error!.payload.subarray(4))[0];
    expect(echoed).toMatchObject({ length: 44, type: RTM.DELLINK, flags: NLM_F.REQUEST | NLM_F.ACK });
  });

  it('decodes the parts of a multipart dump and its NLMSG_DONE', () => {
    const [first, done] = LINK_DUMP_LO.map((datagram) => decodeMessages(hex(datagram)));
    expect(first?.map((m) => [m.type, m.flags & NLM_F.MULTI])).toEqual([[RTM.NEWLINK, NLM_F.MULTI]]);
    expect(done?.map((m) => [m.type, m.flags & NLM_F.MULTI])).toEqual([[NLMSG.DONE, NLM_F.MULTI]]);
    expect(messageErrno(done![0]!)).toBe(0);
  });

  it('rejects a truncated message', () => {
    expect(() => decodeMessages(hex(ACK_LO_UP).subarray(0, 30))).toThrow('netlink: bad message length 36 at offset 0');
  });
});
