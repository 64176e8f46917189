// Brings `lo` up inside a new network namespace, as a plan step: a new netns has
// only a loopback device, and it starts down. One SIOCSIFFLAGS ioctl on any socket
// in the namespace is all it takes; no netlink is needed for this.
import { AF_INET, IFF_LOOPBACK, IFF_RUNNING, IFF_UP, type PlanBuilder, SIOCSIFFLAGS, SOCK_CLOEXEC, SOCK_DGRAM, steps } from '@lc/system';

const IFREQ_SIZE = 40; // struct ifreq: char ifr_name[16], then a 24-byte union
const IFR_FLAGS_OFFSET = 16;

export function loopbackSteps(b: PlanBuilder): void {
  const ifreq = new Uint8Array(IFREQ_SIZE);
  ifreq.set(new TextEncoder().encode('lo'));
  new DataView(ifreq.buffer).setUint16(IFR_FLAGS_OFFSET, IFF_UP | IFF_LOOPBACK | IFF_RUNNING, true);
  const socket = b.slot('inet');
  steps.socket(b, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, socket, { label: 'open a socket to bring lo up' });
  steps.ioctl(b, socket, SIOCSIFFLAGS, b.bytes(ifreq, '{ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}'), 'bring lo up');
  steps.close(b, socket);
}
