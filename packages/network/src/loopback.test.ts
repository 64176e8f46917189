import { PlanBuilder, renderPlan } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { loopbackSteps } from './loopback.js';

describe('loopbackSteps', () => {
  it('brings lo up with one SIOCSIFFLAGS on a close-on-exec socket', () => {
    const b = new PlanBuilder('x64');
    loopbackSteps(b);
    const plan = b.build();
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "0  socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0) = $inet
      1  ioctl($inet, SIOCSIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING})
      2  close($inet)"
    `);
    const ifreq = plan.data.find((item) => item.kind === 'bytes');
    expect(ifreq?.kind === 'bytes' && [...ifreq.value.subarray(0, 3)]).toEqual([0x6c, 0x6f, 0]); // "lo\0"
    expect(ifreq?.kind === 'bytes' && ifreq.value[16]).toBe(0x1 | 0x8 | 0x40);
  });
});
