// Which devices a container may use, as a list of rules in the order the v1 devices
// cgroup takes them: the v1 files apply them one write at a time, the v2 eBPF program
// (device-program.ts) is generated from the same list.
import type { Device } from '@lc/config-types';

export interface DeviceRule {
  /** 'a' matches both char and block devices. */
  readonly type: 'a' | 'c' | 'b';
  readonly major: number | '*';
  readonly minor: number | '*';
  /** A subset of 'rwm' (read, write, mknod). */
  readonly access: string;
  readonly allow: boolean;
}

export interface DeviceCgroupConfig {
  readonly deviceAccess: boolean;
  readonly allowedDevices?: readonly Device[] | undefined;
}

export interface DeviceRequest {
  readonly type: 'c' | 'b';
  readonly major: number;
  readonly minor: number;
  /** A non-empty subset of 'rwm'. */
  readonly access: string;
}

/** Denies every device: the rule that starts a list, and resets a v1 cgroup. */
export const DENY_ALL: DeviceRule = { type: 'a', major: '*', minor: '*', access: 'rwm', allow: false };

const allow = (type: 'c' | 'b', major: number | '*', minor: number | '*', access = 'rwm'): DeviceRule => ({
  type,
  major,
  minor,
  access,
  allow: true,
});

/**
 * The nodes lc puts in every /dev, and mknod of any node (creating one is harmless
 * while reading and writing it is denied): the allow-list of Docker and runc, without
 * runc's /dev/net/tun and 2014's /dev/tty0 and /dev/tty1 (host terminals) — a
 * container that needs them lists them (`allowed_devices`, `device_nodes`).
 */
export const DEFAULT_ALLOWED_DEVICES: readonly DeviceRule[] = [
  allow('c', '*', '*', 'm'),
  allow('b', '*', '*', 'm'),
  allow('c', 1, 3), // /dev/null
  allow('c', 1, 5), // /dev/zero
  allow('c', 1, 7), // /dev/full
  allow('c', 1, 8), // /dev/random
  allow('c', 1, 9), // /dev/urandom
  allow('c', 5, 0), // /dev/tty
  allow('c', 5, 1), // /dev/console
  allow('c', 5, 2), // /dev/ptmx
  allow('c', 136, '*'), // /dev/pts/*
];

/**
 * The rules for a container: none (no restriction) with `deviceAccess`; otherwise deny
 * all, then the default list — or exactly `allowedDevices` when given — then the
 * container's own device nodes. Fifos need no rule: the devices cgroup never checks them.
 */
export function deviceRules(cgroup: DeviceCgroupConfig | undefined, devices: readonly Device[]): DeviceRule[] {
  if (cgroup?.deviceAccess === true) return [];
  const allowed = cgroup?.allowedDevices === undefined ? DEFAULT_ALLOWED_DEVICES : cgroup.allowedDevices.flatMap(deviceRule);
  return [DENY_ALL, ...allowed, ...devices.flatMap(deviceRule)];
}

function deviceRule(device: Device): DeviceRule[] {
  if (device.type === 'p') return [];
  return [allow(device.type, device.major, device.minor, normalizeAccess(device.cgroupPermissions))];
}

/** The access letters in canonical order; throws on anything but r, w and m. */
export function normalizeAccess(access: string): string {
  if (!/^[rwm]*$/.test(access)) throw new Error(`device access "${access}": only r, w and m are allowed`);
  return ['r', 'w', 'm'].filter((letter) => access.includes(letter)).join('');
}

/** A rule as the v1 devices files spell it: `c 1:3 rwm`, `a *:* rwm`. */
export function formatDeviceRule(rule: DeviceRule): string {
  return `${rule.type} ${rule.major}:${rule.minor} ${rule.access}`;
}

/**
 * The writes that apply `rules` to a v1 devices cgroup, in order. The deny-all goes
 * first: a write of `a` to devices.deny empties the cgroup's exception list (which a
 * new cgroup inherits from its parent), so any allow written before it would be lost.
 */
export function v1DeviceWrites(rules: readonly DeviceRule[]): { file: 'devices.deny' | 'devices.allow'; value: string }[] {
  return rules.map((rule) => ({ file: rule.allow ? 'devices.allow' : 'devices.deny', value: formatDeviceRule(rule) }));
}

/**
 * Whether `rules` let a process use a device, by the v1 semantics the program emulates:
 * an `a *:* rwm` rule resets (everything allowed or denied); after it the last matching
 * rule wins. An allow matches when it grants every requested access, a deny when it
 * refuses any of them. With no reset rule everything is allowed (as in a fresh cgroup).
 */
export function deviceVerdict(rules: readonly DeviceRule[], request: DeviceRequest): boolean {
  let verdict = true;
  for (const rule of rules) {
    if (isReset(rule)) verdict = rule.allow;
    else if (ruleMatches(rule, request)) verdict = rule.allow;
  }
  return verdict;
}

/** `a *:* rwm`: sets the default, as writing `a` to devices.allow or devices.deny does. */
export function isReset(rule: DeviceRule): boolean {
  return rule.type === 'a' && rule.major === '*' && rule.minor === '*' && normalizeAccess(rule.access) === 'rwm';
}

function ruleMatches(rule: DeviceRule, request: DeviceRequest): boolean {
  if (rule.type !== 'a' && rule.type !== request.type) return false;
  if (rule.major !== '*' && rule.major !== request.major) return false;
  if (rule.minor !== '*' && rule.minor !== request.minor) return false;
  const requested = [...request.access];
  return rule.allow ? requested.every((a) => rule.access.includes(a)) : requested.some((a) => rule.access.includes(a));
}
