// Resource limit names, apart from the schemas (as capability-names.ts): the index of a
// name is the kernel's resource number (<asm-generic/resource.h>, the same on x86-64
// and aarch64).

/** RLIMIT_* names without the prefix, in resource-number order. */
export const RLIMIT_NAMES = [
  'CPU',
  'FSIZE',
  'DATA',
  'STACK',
  'CORE',
  'RSS',
  'NPROC',
  'NOFILE',
  'MEMLOCK',
  'AS',
  'LOCKS',
  'SIGPENDING',
  'MSGQUEUE',
  'NICE',
  'RTPRIO',
  'RTTIME',
] as const;

export type RlimitName = (typeof RLIMIT_NAMES)[number];

/** The resource number of "RLIMIT_NOFILE", "NOFILE" or 7; undefined when unknown. */
export function rlimitNumber(type: string | number): number | undefined {
  if (typeof type === 'number') return Number.isInteger(type) && type >= 0 && type < RLIMIT_NAMES.length ? type : undefined;
  const index = RLIMIT_NAMES.indexOf(type.replace(/^RLIMIT_/, '') as RlimitName);
  return index === -1 ? undefined : index;
}
