// Expected bytes written by hand from the UAPI layouts (nlmsghdr, ifinfomsg, ifaddrmsg,
// rtmsg, rtattr), not produced by the encoder itself.
import { describe, expect, it } from 'vitest';
import { concat } from './attributes.js';
import { NLM_F, RTM } from './constants.js';
import { addAddressRequest, addRouteRequest, addVethRequest, deleteLinkRequest, renameRequest, setAddressRequest, setMasterRequest, setNetnsRequest, setUpRequest } from './requests.js';

const body = (request: { parts: readonly Uint8Array[] }): string => Buffer.from(concat(request.parts)).toString('hex');
const IFINFO_ZERO = '00'.repeat(16);

describe('rtnetlink requests', () => {
  it('link add veth: the peer (name, netns fd) nested in LINKINFO/INFO_DATA/VETH_INFO_PEER', () => {
    const request = addVethRequest({ name: 'lcab12', mtu: 1400, peer: { name: 'eth0', netns: { fd: 9 } } });
    expect(request.type).toBe(RTM.NEWLINK);
    expect(request.flags).toBe(NLM_F.CREATE | NLM_F.EXCL);
    expect(body(request)).toBe(
      IFINFO_ZERO +
        '0b000300' + '6c636162313200' + '00' + // IFLA_IFNAME "lcab12\0"
        '08000400' + '78050000' + // IFLA_MTU 1400
        '3c001200' + // IFLA_LINKINFO, 60
        '09000100' + '7665746800' + '000000' + //   IFLA_INFO_KIND "veth\0"
        '2c000200' + //   IFLA_INFO_DATA, 44
        '28000100' + //     VETH_INFO_PEER, 40: an ifinfomsg, then attributes
        IFINFO_ZERO +
        '09000300' + '6574683000' + '000000' + //       IFLA_IFNAME "eth0\0"
        '08001c00' + '09000000', //       IFLA_NET_NS_FD 9
    );
  });

  it('link set up / down: IFF_UP in flags and change, the link by IFLA_IFNAME', () => {
    expect(body(setUpRequest({ name: 'lo' }, true))).toBe('0000' + '0000' + '00000000' + '01000000' + '01000000' + '07000300' + '6c6f0000');
    expect(body(setUpRequest({ index: 3 }, false))).toBe('0000' + '0000' + '03000000' + '00000000' + '01000000');
  });

  it('link del, set master, set address, rename, set netns', () => {
    expect(body(deleteLinkRequest({ index: 5 }))).toBe('00000000' + '05000000' + '0000000000000000');
    expect(body(setMasterRequest({ index: 5 }, 2))).toBe('00000000' + '05000000' + '0000000000000000' + '08000a00' + '02000000');
    expect(body(setAddressRequest({ index: 5 }, '02:42:AC:11:00:02'))).toBe('00000000' + '05000000' + '0000000000000000' + '0a000100' + '0242ac110002' + '0000');
    expect(body(renameRequest(5, 'eth0'))).toBe('00000000' + '05000000' + '0000000000000000' + '09000300' + '6574683000' + '000000');
    expect(body(setNetnsRequest({ index: 5 }, { pid: 4242 }))).toBe('00000000' + '05000000' + '0000000000000000' + '08001300' + '92100000');
  });

  it('addr add v4 and v6: ifaddrmsg with the prefix, IFA_LOCAL and IFA_ADDRESS', () => {
    const v4 = addAddressRequest(2, '10.0.0.2/24');
    expect([v4.type, v4.flags]).toEqual([RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL]);
    expect(body(v4)).toBe('02' + '18' + '00' + '00' + '02000000' + '08000200' + '0a000002' + '08000100' + '0a000002');
    const v6 = '14000200' + 'fd000000000000000000000000000002';
    expect(body(addAddressRequest(2, 'fd00::2/64'))).toBe('0a' + '40' + '0000' + '02000000' + v6 + v6.replace(/^14000200/, '14000100'));
  });

  it('route add: default via a gateway, and an explicit destination on a device', () => {
    // rtmsg: family, dst_len, src_len, tos, table main (254), proto boot (3), scope, unicast (1)
    expect(body(addRouteRequest({ gateway: '10.0.0.1' }))).toBe('02000000' + 'fe030001' + '00000000' + '08000500' + '0a000001');
    expect(body(addRouteRequest({ destination: '10.1.0.0/16', oif: 3 }))).toBe('02100000' + 'fe03fd01' + '00000000' + '08000100' + '0a010000' + '08000400' + '03000000');
    expect(body(addRouteRequest({ gateway: 'fd00::1' }))).toBe('0a000000' + 'fe030001' + '00000000' + '14000500' + 'fd000000000000000000000000000001');
  });

  it('refuses a route the kernel would reject, before asking', () => {
    expect(() => addRouteRequest({ destination: '10.1.0.5/16', oif: 3 })).toThrow('route 10.1.0.5/16: host bits set');
    expect(() => addRouteRequest({ destination: '10.1.0.0/16' })).toThrow('route 10.1.0.0/16: needs a gateway or a device');
    expect(() => addRouteRequest({ destination: '10.1.0.0/16', gateway: 'fd00::1' })).toThrow('address families differ');
  });
});
