import { describe, expect, it } from 'vitest';
import { mountLabelOptions } from './mount-label.js';

describe('mountLabelOptions', () => {
  it('is the context option, unquoted even with commas', () => {
    expect(mountLabelOptions('system_u:object_r:a_t:s0:c1,c2')).toEqual([{ key: 'context', value: 'system_u:object_r:a_t:s0:c1,c2' }]);
  });
  it('is nothing without a label', () => {
    expect(mountLabelOptions(undefined)).toEqual([]);
    expect(mountLabelOptions('')).toEqual([]);
  });
});
