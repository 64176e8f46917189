import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { explain, parseJsonText } from './json-text.js';

function errorOf(text: string): ConfigError {
  try {
    parseJsonText(text, 'c.json');
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseJsonText', () => {
  it('parses JSON, ignoring a byte-order mark', () => {
    expect(parseJsonText('{"a": 1}', 'c.json')).toEqual({ a: 1 });
    expect(parseJsonText('\uFEFF{"a": 1}', 'c.json')).toEqual({ a: 1 });
  });

  it.each([
    ['{\n  "hostname": "koye",\n  "tty": true\n  "user": "x"\n}', "c.json:4:3: expected ',' or '}' after property value"],
    ['{\n  "mounts": [\n    {"type": "bind"},\n  ]\n}', "c.json:4:3: unexpected token ']'"],
    ['{\n  "hostname": }', "c.json:2:15: unexpected token '}'"],
    ['{\n  hostname: "x"\n}', "c.json:2:3: expected property name or '}'"],
    ['{"tty": true,}', 'c.json:1:14: expected double-quoted property name'],
    ['{"tty": true', "c.json:1:13: expected ',' or '}' after property value"],
    ['', 'c.json:1:1: unexpected end of JSON input'],
    ['{\n  "a": tru', 'c.json:2:11: unexpected end of JSON input'],
    ['{"a": "x}', 'c.json:1:10: unterminated string'],
    ['{}\n{}', 'c.json:2:1: unexpected non-whitespace character after JSON'],
    ['\uFEFF{,}', 'c.json:1:2: expected property name or \'}\''],
  ])('points at the error in %j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
    expect(error.file).toBe('c.json');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('keeps the line and column on the error', () => {
    const error = errorOf('{\n  "a": }');
    expect([error.line, error.column]).toEqual([2, 8]);
  });
});

describe('explain', () => {
  it('takes the position from the message when there is one', () => {
    expect(explain('Unterminated string in JSON at position 4')).toEqual({ reason: 'unterminated string', offset: 4 });
    // Node 22's form
    expect(explain('Unterminated string in JSON at position 4 (line 1 column 5)')).toEqual({
      reason: 'unterminated string',
      offset: 4,
    });
    // older V8
    expect(explain('Unexpected token } in JSON at position 5')).toEqual({ reason: 'unexpected token }', offset: 5 });
  });

  it('handles messages without a position', () => {
    expect(explain('Unexpected token \'}\', "{"a":\n}" is not valid JSON')).toEqual({
      reason: "unexpected token '}'",
      offset: undefined,
    });
    expect(explain('Unexpected token \']\', ..."bind"},\n  ]\n}" is not valid JSON').reason).toBe("unexpected token ']'");
    expect(explain('Unexpected token \'}\', ..."a":1,"b":}   "... is not valid JSON').reason).toBe("unexpected token '}'");
    expect(explain('Unexpected end of JSON input')).toEqual({ reason: 'unexpected end of JSON input', offset: undefined });
    expect(explain('Something\nelse')).toEqual({ reason: 'something', offset: undefined });
  });
});
