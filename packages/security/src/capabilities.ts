// Capability names and numbers. The number of a capability is its index in
// CAPABILITY_NAMES (the order of linux/capability.h).
import { CAPABILITY_NAMES } from '@lc/config-types';
import { SecurityError } from './security-error.js';

const NUMBERS: ReadonlyMap<string, number> = new Map(CAPABILITY_NAMES.map((name, i) => [name, i]));

/** The kernel's number for a capability name without CAP_ ("MKNOD" → 27). */
export function capabilityNumber(name: string): number {
  const number = NUMBERS.get(name);
  if (number === undefined) throw new SecurityError(`unknown capability "${name}"`);
  return number;
}

/** The name of a capability number; a number newer than our table is shown as such. */
export function capabilityName(number: number): string {
  return CAPABILITY_NAMES[number] ?? String(number);
}
