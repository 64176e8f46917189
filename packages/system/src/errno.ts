// errno numbers and names, from Node's own table (the host's libc values).
import { constants } from 'node:os';

const byName: Readonly<Record<string, number>> = constants.errno;
const byNumber = new Map<number, string>();
for (const [name, value] of Object.entries(byName)) {
  // The table has aliases (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK): keep the first.
  if (!byNumber.has(value)) byNumber.set(value, name);
}

/** 'EPERM' for 1; 'E123' for a number the table does not know. */
export function errnoName(errno: number): string {
  return byNumber.get(errno) ?? `E${errno}`;
}

export function errnoNumber(name: string): number {
  const value = byName[name];
  if (value === undefined) throw new Error(`unknown errno name ${name}`);
  return value;
}
