import { describe, expect, it } from 'vitest';
import { capabilityName, capabilityNumber } from './capabilities.js';

describe('capabilities', () => {
  it('maps names to kernel numbers and back', () => {
    expect(capabilityNumber('CHOWN')).toBe(0);
    expect(capabilityNumber('MKNOD')).toBe(27);
    expect(capabilityNumber('SYS_ADMIN')).toBe(21);
    expect(capabilityNumber('CHECKPOINT_RESTORE')).toBe(40);
    expect(capabilityName(21)).toBe('SYS_ADMIN');
    expect(capabilityName(63)).toBe('63');
  });

  it('rejects unknown names', () => {
    expect(() => capabilityNumber('CAP_MKNOD')).toThrow('unknown capability "CAP_MKNOD"');
  });
});
