import { describe, expect, it } from 'vitest';
import { parseNetDev } from './interface-stats.js';

// As this kernel prints it (captured in a container with a veth).
const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     112       2    0    0    0     0          0         0      112       2    0    0    0     0       0          0
  eth0:    1486      17    1    2    0     0          0         0      766       9    3    4    0     0       0          0
`;

describe('parseNetDev', () => {
  it('reads receive and transmit bytes, packets, errors and drops per interface', () => {
    expect(parseNetDev(NET_DEV)).toEqual({
      lo: { rxBytes: 112, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 112, txPackets: 2, txErrors: 0, txDropped: 0 },
      eth0: { rxBytes: 1486, rxPackets: 17, rxErrors: 1, rxDropped: 2, txBytes: 766, txPackets: 9, txErrors: 3, txDropped: 4 },
    });
  });
});
