import { describe, expect, it } from 'vitest';
import { FakeSystem } from './fake-system.js';

describe('FakeSystem', () => {
  it('throws on unscripted calls, naming them', () => {
    expect(() => new FakeSystem().unshare(0x20000)).toThrow('fake system: unscripted call unshare(131072)');
  });

  it('records calls and injects failures', () => {
    const sys = new FakeSystem().script('close', () => undefined).failNext('close', 'EBADF');
    expect(() => sys.close(9)).toThrow('close: EBADF');
    sys.close(9);
    expect(sys.calls).toEqual([
      { method: 'close', args: [9] },
      { method: 'close', args: [9] },
    ]);
  });

  it('answers file lookups from its tree', () => {
    const sys = new FakeSystem({ files: { '/r/etc/passwd': 'x' } });
    expect(sys.lstat('/r/etc').type).toBe('directory');
    expect(sys.readFile('/r/etc/passwd')).toBe('x');
    expect(() => sys.lstat('/r/nope')).toThrow('ENOENT');
  });
});
