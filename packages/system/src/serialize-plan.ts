// A plan crosses into the Node init as JSON: bigints as decimal strings, bytes as
// base64. Nothing else in a plan needs encoding.
import type { Plan } from './plan.js';

export function serializePlan(plan: Plan): string {
  return JSON.stringify(plan, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    return value;
  });
}

export function deserializePlan(text: string): Plan {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null) {
      if ('$bigint' in value && typeof value.$bigint === 'string') return BigInt(value.$bigint);
      if ('$bytes' in value && typeof value.$bytes === 'string') return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
    }
    return value;
  }) as Plan;
}

