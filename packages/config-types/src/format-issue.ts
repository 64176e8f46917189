// Turns zod issues into lc's one-line messages: `<json path>: <what is wrong>, got <value>`.
//
// `issueMessage` is passed as the error map of every parse, so every issue's message is
// ours (lower case, no trailing period); schemas override it where they know better
// ("unknown capability \"FOO\""). `formatIssue` then puts the path in front and, where
// the message does not already say it, the value that was found.
import type * as z from 'zod/mini';

export type Issue = z.core.$ZodIssue;

/** Error map for `safeParse(value, { error: issueMessage, reportInput: true })`. */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing (expected ${describeType(issue.expected)})`;
      return `expected ${describeType(issue.expected)}`;
    case 'invalid_value':
      if (issue.input === undefined) return `missing (expected ${listValues(issue.values)})`;
      return issue.values.length === 1
        ? `expected ${formatValue(issue.values[0])}`
        : `expected one of ${listValues(issue.values)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'invalid key';
    case 'too_small':
      return bound(issue.origin, issue.minimum, issue.inclusive, 'at least', 'more than');
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive, 'at most', 'less than');
    case 'invalid_format':
      return `expected ${issue.format} format`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return 'invalid value';
  }
};

/** Codes whose message does not name the value found: the formatter adds `, got <value>`. */
const SHOWS_INPUT = new Set(['invalid_type', 'invalid_value', 'too_small', 'too_big', 'invalid_format', 'not_multiple_of']);

/** The path and the reason of an issue, apart (ConfigError keeps both). */
export function describeIssue(issue: Issue): { path: string; reason: string } {
  let reason = issue.message;
  if (SHOWS_INPUT.has(issue.code) && issue.input !== undefined) {
    reason += `, got ${formatValue(issue.input)}`;
  }
  return { path: formatPath(issue.path), reason };
}

/** `mounts[0]: unknown field "destnation"`; an issue at the root has no path in front. */
export function formatIssue(issue: Issue): string {
  const { path, reason } = describeIssue(issue);
  return path ? `${path}: ${reason}` : reason;
}

/**
 * The issue to report when there are several. An unknown field comes first: a misspelt key
 * is the likeliest cause of the other issues (a field "missing" because it was misspelt).
 */
export function firstIssue(issues: readonly Issue[]): Issue | undefined {
  const first = issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
  return first && meantForm(first);
}

/**
 * A union's issue in the words of the one form the value was meant as: a value that
 * failed inside one form (a field of the object form) gets that field's message, not
 * "matches none of the accepted forms"; one that fits no form's shape keeps the union's.
 */
function meantForm(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const inside = issue.errors.filter((branch) => branch.some((inner) => inner.path.length > 0));
  const inner = inside.length === 1 ? firstIssue(inside[0]!) : undefined;
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
}

/** `mounts[0].destination`, `context["my-key"]`, `` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

const MAX_VALUE_LENGTH = 60;

/** A value as JSON, cut short so the message stays one readable line. */
export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text;
}

function describeType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'a boolean';
    case 'array':
      return 'an array';
    case 'object':
    case 'record':
      return 'an object';
    default:
      return expected;
  }
}

function listValues(values: readonly unknown[]): string {
  return values.map(formatValue).join(', ');
}

function bound(
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
  inclusiveWord: string,
  exclusiveWord: string,
): string {
  const word = inclusive === false ? exclusiveWord : inclusiveWord;
  if (origin === 'string') return `expected ${word} ${limit} character${limit === 1 ? '' : 's'}`;
  if (origin === 'array') return `expected ${word} ${limit} item${limit === 1 ? '' : 's'}`;
  return `expected ${word} ${limit}`;
}
