// Prints a plan the way strace prints a process: one line a step, flags by name,
// paths quoted, results as named slots. `nsinit plan` shows this, and plan tests
// snapshot it.
import { CAPABILITY_NAMES } from '@lc/config-types/capabilities';
import { AT_EMPTY_PATH, AT_FDCWD, CLONE, MNT_DETACH, MS, O, PR, PR_CAP_AMBIENT, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGNALS } from './constants.js';
import { errnoName } from './errno.js';
import { AT_RECURSIVE, FSCONFIG, MOUNT_ATTR, MOVE_MOUNT, OPEN_TREE, RESOLVE } from './mount-api.js';
import type { Arg, ArgFormat, DataItem, ErrorPolicy, Plan, Step } from './plan.js';

const FLAG_TABLES: Partial<Record<ArgFormat, Readonly<Record<string, number>>>> = {
  'mount-flags': prefixed('MS_', MS),
  'clone-flags': prefixed('CLONE_', CLONE),
  'open-flags': prefixed('O_', O),
  'umount-flags': { MNT_FORCE: 1, MNT_DETACH, MNT_EXPIRE: 4, UMOUNT_NOFOLLOW: 8 },
  'close-range-flags': { CLOSE_RANGE_UNSHARE: 2, CLOSE_RANGE_CLOEXEC: 4 },
  'at-flags': { AT_SYMLINK_NOFOLLOW: 0x100, AT_EMPTY_PATH, AT_RECURSIVE },
  'socket-type': { SOCK_DGRAM: 2, SOCK_CLOEXEC: 0x80000 },
  'resolve-flags': prefixed('RESOLVE_', RESOLVE),
  'open-tree-flags': { ...prefixed('OPEN_TREE_', OPEN_TREE), AT_SYMLINK_NOFOLLOW: 0x100, AT_EMPTY_PATH, AT_RECURSIVE },
  'move-mount-flags': prefixed('MOVE_MOUNT_', MOVE_MOUNT),
  'fsopen-flags': { FSOPEN_CLOEXEC: 1 },
  'fsmount-flags': { FSMOUNT_CLOEXEC: 1 },
  'mount-attributes': prefixed('MOUNT_ATTR_', MOUNT_ATTR),
};

const NAMED_VALUES: Partial<Record<ArgFormat, ReadonlyMap<number, string>>> = {
  prctl: invert(prefixed('PR_', PR)),
  'prctl-ambient': invert(prefixed('PR_CAP_AMBIENT_', PR_CAP_AMBIENT)),
  signal: invert(SIGNALS),
  fcntl: new Map([
    [0, 'F_DUPFD'],
    [1, 'F_GETFD'],
    [2, 'F_SETFD'],
  ]),
  'sigmask-how': new Map([
    [SIG_BLOCK, 'SIG_BLOCK'],
    [SIG_UNBLOCK, 'SIG_UNBLOCK'],
    [SIG_SETMASK, 'SIG_SETMASK'],
  ]),
  capability: new Map(CAPABILITY_NAMES.map((name, i) => [i, `CAP_${name}`])),
  ioctl: new Map([
    [0x8914, 'SIOCSIFFLAGS'],
    [0x540e, 'TIOCSCTTY'],
  ]),
  'fsconfig-command': invert(prefixed('FSCONFIG_', FSCONFIG)),
  propagation: new Map([
    [MS.PRIVATE, 'MS_PRIVATE'],
    [MS.SLAVE, 'MS_SLAVE'],
    [MS.SHARED, 'MS_SHARED'],
    [MS.UNBINDABLE, 'MS_UNBINDABLE'],
  ]),
  'address-family': new Map([
    [1, 'AF_UNIX'],
    [2, 'AF_INET'],
    [10, 'AF_INET6'],
    [16, 'AF_NETLINK'],
  ]),
};

export function renderPlan(plan: Plan): string {
  const width = String(plan.steps.length - 1).length;
  // An argv or envp that several steps share (the execve of each PATH candidate) is
  // printed in full once, then referred to.
  const firstUse = new Map<number, number>();
  return plan.steps
    .map((step, i) => `${String(i).padStart(width)}  ${renderStep(plan, step, (data) => seenAt(firstUse, data, i))}`)
    .join('\n');
}

function seenAt(firstUse: Map<number, number>, data: number, step: number): number | undefined {
  const first = firstUse.get(data);
  if (first === undefined) firstUse.set(data, step);
  return first !== undefined && first !== step ? first : undefined;
}

export function renderStep(plan: Plan, step: Step, shownBefore: (data: number) => number | undefined = () => undefined): string {
  const args = step.args
    .map((arg) => {
      const before = arg.kind === 'data' && plan.data[arg.index]?.kind === 'strings' ? shownBefore(arg.index) : undefined;
      return before === undefined ? renderArg(plan, arg) : `/* as in step ${before} */`;
    })
    .join(', ');
  const result = step.result === undefined ? '' : ` = $${plan.slots[step.result]?.name ?? step.result}`;
  const flags = [
    step.zeroIsError ? '  [0 = error]' : '',
    step.fork ? '  [fork: the parent side exits]' : '',
    step.report ? '  [result reported to the parent]' : '',
    step.reexec ? '  [the plan goes on in the new image]' : '',
  ].join('');
  return `${step.syscall}(${args})${result}${renderPolicy(step.onError)}${flags}`;
}

function renderPolicy(policy: ErrorPolicy): string {
  switch (policy.policy) {
    case 'fail':
      return '';
    case 'ignore':
      return '  [errors ignored]';
    case 'ignore-errno':
      return `  [${errnoName(policy.errno)} ok]`;
    case 'jump':
      return `  [on error goto ${policy.to}]`;
  }
}

function renderArg(plan: Plan, arg: Arg): string {
  if (arg.kind === 'slot') return `$${plan.slots[arg.index]?.name ?? arg.index}`;
  if (arg.kind === 'data') return renderData(plan.data[arg.index]);
  return renderImmediate(arg.value, arg.format);
}

function renderData(item: DataItem | undefined): string {
  if (!item) return '?';
  switch (item.kind) {
    case 'string':
      return JSON.stringify(item.value);
    case 'bytes':
      return item.describe;
    case 'strings':
      return `[${item.value.map((value) => JSON.stringify(value)).join(', ')}]`;
    case 'fprog':
      return item.describe;
    case 'scratch':
      return `<${item.size} bytes>`;
  }
}

/** A value as `nsinit plan` shows it in `format`: flags by name, octal modes... (for struct descriptions). */
export function renderValue(value: number | bigint, format: ArgFormat): string {
  return renderImmediate(BigInt(value), format);
}

function renderImmediate(value: bigint, format: ArgFormat): string {
  const n = Number(BigInt.asIntN(64, value));
  switch (format) {
    case 'int':
      return String(n);
    case 'hex':
      return n === 0 ? 'NULL' : `0x${value.toString(16)}`;
    case 'octal':
      return n === 0 ? '0' : `0${n.toString(8)}`;
    case 'fd':
      return n === AT_FDCWD ? 'AT_FDCWD' : String(n);
    case 'dev':
      return `makedev(${(n >> 8) & 0xfff}, ${(n & 0xff) | ((n >> 12) & ~0xff)})`;
    default: {
      const names = NAMED_VALUES[format];
      if (names) return names.get(n) ?? String(n);
      const table = FLAG_TABLES[format];
      return table ? renderFlags(n, table) : String(n);
    }
  }
}

function renderFlags(value: number, table: Readonly<Record<string, number>>): string {
  if (value === 0) return '0';
  const parts: string[] = [];
  let rest = value;
  for (const [name, bit] of Object.entries(table)) {
    if (bit !== 0 && (rest & bit) === bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) parts.push(`0x${(rest >>> 0).toString(16)}`);
  return parts.join('|');
}

function prefixed(prefix: string, table: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(table).map(([name, value]) => [prefix + name, value]));
}

function invert(table: Readonly<Record<string, number>>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]));
}
