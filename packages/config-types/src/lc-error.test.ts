import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { LcError } from './lc-error.js';

describe('LcError', () => {
  it('carries a code and a cause', () => {
    const cause = new Error('inner');
    const error = new LcError('INIT', 'mount /proc: EPERM', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('INIT');
    expect(error.message).toBe('mount /proc: EPERM');
    expect(error.cause).toBe(cause);
    expect('cause' in new LcError('X', 'y')).toBe(false);
  });

  it('is recognised by its registered marker, not by prototype', () => {
    expect(LcError.isInstance(new LcError('X', 'y'))).toBe(true);
    expect(LcError.isInstance({ [Symbol.for('lc.LcError')]: true })).toBe(true);
    expect(LcError.isInstance(new Error('x'))).toBe(false);
    expect(LcError.isInstance(null)).toBe(false);
    expect(LcError.isInstance('x')).toBe(false);
  });
});

describe('ConfigError', () => {
  it('is an LcError with code CONFIG', () => {
    const error = new ConfigError('bad');
    expect(LcError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(new LcError('CONFIG', 'x'))).toBe(false);
    expect(error.code).toBe('CONFIG');
    expect(error.name).toBe('ConfigError');
  });

  it.each([
    [{}, 'bad'],
    [{ file: 'c.json' }, 'c.json: bad'],
    [{ path: 'mounts[0]' }, 'mounts[0]: bad'],
    [{ file: 'c.json', path: 'mounts[0]' }, 'c.json: mounts[0]: bad'],
    [{ file: 'c.json', line: 3, column: 7 }, 'c.json:3:7: bad'],
    [{ file: 'c.json', line: 3 }, 'c.json:3: bad'],
  ])('locates the problem %j', (options, message) => {
    const error = new ConfigError('bad', options);
    expect(error.message).toBe(message);
    expect(error.reason).toBe('bad');
  });
});
