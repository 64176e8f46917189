import { describe, expect, it } from 'vitest';
import { withMountLabel } from './mount-label.js';

describe('withMountLabel', () => {
  it('appends the context to the data', () => {
    expect(withMountLabel('mode=755', 'system_u:object_r:a_t:s0')).toBe('mode=755,context="system_u:object_r:a_t:s0"');
  });
  it('is the context alone without data', () => {
    expect(withMountLabel(undefined, 'l')).toBe('context="l"');
  });
  it('leaves the data alone without a label', () => {
    expect(withMountLabel('mode=755', undefined)).toBe('mode=755');
    expect(withMountLabel(undefined, '')).toBeNull();
  });
});
