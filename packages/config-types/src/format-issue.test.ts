import { describe, expect, it } from 'vitest';
import { firstIssue, formatIssue, formatPath, formatValue } from './format-issue.js';

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['mounts', 0, 'destination'], 'mounts[0].destination'],
    [['namespaces', 'NEWFOO'], 'namespaces.NEWFOO'],
    [['context', 'my-key'], 'context["my-key"]'],
    [[0], '[0]'],
  ])('%j → %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('formatValue', () => {
  it('shows JSON, cut short', () => {
    expect(formatValue('lots')).toBe('"lots"');
    expect(formatValue(null)).toBe('null');
    expect(formatValue([1])).toBe('[1]');
    expect(formatValue(undefined)).toBe('undefined');
    const long = formatValue('x'.repeat(100));
    expect(long).toHaveLength(60);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('formatIssue', () => {
  it('adds the value found where the message does not name it', () => {
    expect(
      formatIssue({ code: 'invalid_type', expected: 'number', path: ['cgroups', 'memory'], message: 'expected an integer', input: 'lots' }),
    ).toBe('cgroups.memory: expected an integer, got "lots"');
    expect(formatIssue({ code: 'custom', path: [], message: 'whole message', input: 1 })).toBe('whole message');
  });

  it('puts an unknown field first', () => {
    const missing = { code: 'custom' as const, path: ['destination'], message: 'missing', input: undefined };
    const unknown = { code: 'unrecognized_keys' as const, keys: ['destnation'], path: [], message: 'unknown field' };
    expect(firstIssue([missing, unknown])).toBe(unknown);
    expect(firstIssue([missing])).toBe(missing);
    expect(firstIssue([])).toBeUndefined();
  });
});
