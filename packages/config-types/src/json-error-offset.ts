// Where a JSON text first goes wrong. V8's JSON.parse says "at position N" for most
// errors, but not for "Unexpected token 'x', "…" is not valid JSON" (Node 20): for those
// this small strict scanner finds the offset itself, so every syntax error gets a line
// and column.

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** Offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;

  const skipWhitespace = (): void => {
    while (at < text.length && WHITESPACE.has(text[at] ?? '')) at++;
  };
  const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';
  const digits = (): boolean => {
    if (!isDigit(text[at])) return false;
    while (isDigit(text[at])) at++;
    return true;
  };

  const word = (expected: string): boolean => {
    for (const char of expected) {
      if (text[at] !== char) return false;
      at++;
    }
    return true;
  };

  const number = (): boolean => {
    if (text[at] === '-') at++;
    if (text[at] === '0') at++;
    else if (!digits()) return false;
    if (text[at] === '.') {
      at++;
      if (!digits()) return false;
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      if (!digits()) return false;
    }
    return true;
  };

  const string = (): boolean => {
    at++; // the opening quote
    for (;;) {
      const char = text[at];
      if (char === undefined || char < ' ') return false;
      if (char === '"') {
        at++;
        return true;
      }
      if (char !== '\\') {
        at++;
        continue;
      }
      at++;
      const escaped = text[at];
      if (escaped !== undefined && ESCAPES.has(escaped)) {
        at++;
      } else if (escaped === 'u') {
        at++;
        for (let i = 0; i < 4; i++, at++) {
          if (!/^[0-9a-fA-F]$/.test(text[at] ?? '')) return false;
        }
      } else {
        return false;
      }
    }
  };

  const members = (close: '}' | ']', member: () => boolean): boolean => {
    at++; // the opening bracket
    skipWhitespace();
    if (text[at] === close) {
      at++;
      return true;
    }
    for (;;) {
      if (!member()) return false;
      skipWhitespace();
      if (text[at] === close) {
        at++;
        return true;
      }
      if (text[at] !== ',') return false;
      at++;
    }
  };

  const value = (): boolean => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') {
      return members('}', () => {
        skipWhitespace();
        if (text[at] !== '"' || !string()) return false;
        skipWhitespace();
        if (text[at] !== ':') return false;
        at++;
        return value();
      });
    }
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    if (char === 't') return word('true');
    if (char === 'f') return word('false');
    if (char === 'n') return word('null');
    if (char === '-' || isDigit(char)) return number();
    return false;
  };

  try {
    if (!value()) return at;
  } catch {
    return undefined; // nested deeper than the stack: V8 said why, without a position
  }
  skipWhitespace();
  return at < text.length ? at : undefined;
}

/** 1-based line and column of an offset (a tab is one column). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (const char of before) if (char === '\n') line++;
  return { line, column: offset - lineStart + 1 };
}
