import { ConfigError } from './config-error.js';
import { jsonErrorOffset, lineAndColumn } from './json-error-offset.js';

/**
 * JSON.parse, with a syntax error turned into a one-line ConfigError that points at the
 * place: `container.json:3:7: expected ',' or '}' after property value`.
 */
export function parseJsonText(text: string, file: string): unknown {
  // A UTF-8 byte-order mark (some editors write one) is not JSON but means nothing either.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { reason, offset } = explain(message);
    const at = offset ?? jsonErrorOffset(body);
    const position = at === undefined ? {} : lineAndColumn(body, Math.min(at, body.length));
    throw new ConfigError(reason, { file, ...position, cause: error });
  }
}

/** The reason of a V8 JSON.parse message, without the position, and the position if given. */
export function explain(message: string): { reason: string; offset: number | undefined } {
  let reason = message;
  let offset: number | undefined;
  // Node 20: "… in JSON at position 6"; Node 22 adds " (line 1 column 7)".
  const positioned = /^(.*?)(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?$/s.exec(message);
  if (positioned) {
    reason = positioned[1] ?? message;
    offset = Number(positioned[2]);
  }
  // "Unexpected token '}', "{"a":}" is not valid JSON" (or with ...-cut text around the
  // quotes): the quoted text is the file, or a piece of it, with its line breaks.
  const token = /^(Unexpected token '.*?'), .* is not valid JSON$/s.exec(reason);
  if (token) reason = token[1] ?? reason;
  reason = reason.split('\n')[0] ?? reason;
  return { reason: reason.charAt(0).toLowerCase() + reason.slice(1), offset };
}
