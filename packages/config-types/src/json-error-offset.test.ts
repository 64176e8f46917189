import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineAndColumn } from './json-error-offset.js';

/** V8's own position, where its message gives one. */
function v8Offset(text: string): number | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match ? Number(match[1]) : -1;
  }
}

describe('jsonErrorOffset', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e+3, 0, true, false, null, "x\\n\\u00e9"]} ',
    '"only a string"',
    '0',
  ])('finds nothing wrong in %j', (text) => {
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it.each([
    ['{"a":}', 5],
    ['[1,2,]', 5],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['{a:1}', 1],
    ['{"a":1', 6],
    ['{"a":1}x', 7],
    ['"abc', 4],
    ['', 0],
    ['tru', 3],
    ['{"a":01}', 6],
    ['{"a":-}', 6],
    ['{"a":"\\q"}', 7],
    ['{"a":"\\u12g4"}', 10],
    ['{"a":"b\tc"}', 7],
    ['[1.]', 3],
    ['[1e]', 3],
    ['{"a":1}}', 7],
  ])('finds the error in %j at %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    const v8 = v8Offset(text);
    // Where V8 gives a position, the scanner agrees with it.
    if (v8 !== -1) expect(v8).toBe(offset);
  });
});

describe('lineAndColumn', () => {
  it('counts from 1, a tab as one column', () => {
    const text = '{\n\t"a": 1,\n  }';
    expect(lineAndColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn(text, 2)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn(text, 3)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn(text, 13)).toEqual({ line: 3, column: 3 });
  });
});
