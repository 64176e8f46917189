import type { Device } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_DEVICES, DENY_ALL, deviceRules, deviceVerdict, formatDeviceRule, v1DeviceWrites } from './devices.js';

const fuse: Device = { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' };
const loop: Device = { type: 'b', path: '/dev/loop0', major: 7, minor: 0, fileMode: 0o660, uid: 0, gid: 6, cgroupPermissions: 'wr' };
const fifo: Device = { type: 'p', path: '/dev/initctl', major: 0, minor: 0, fileMode: 0o600, uid: 0, gid: 0, cgroupPermissions: 'rw' };

describe('deviceRules', () => {
  it("denies everything, then allows Docker's default list", () => {
    expect(deviceRules({ deviceAccess: false }, []).map(formatDeviceRule)).toEqual([
      'a *:* rwm',
      'c *:* m',
      'b *:* m',
      'c 1:3 rwm',
      'c 1:5 rwm',
      'c 1:7 rwm',
      'c 1:8 rwm',
      'c 1:9 rwm',
      'c 5:0 rwm',
      'c 5:1 rwm',
      'c 5:2 rwm',
      'c 136:* rwm',
    ]);
  });

  it('restricts a container without a cgroup config too', () => {
    expect(deviceRules(undefined, [])).toEqual([DENY_ALL, ...DEFAULT_ALLOWED_DEVICES]);
  });

  it('imposes nothing with deviceAccess', () => {
    expect(deviceRules({ deviceAccess: true }, [fuse])).toEqual([]);
    expect(deviceRules({ deviceAccess: true, allowedDevices: [loop] }, [fuse])).toEqual([]);
  });

  it('adds the device nodes with their permissions, and no rule for a fifo', () => {
    const rules = deviceRules({ deviceAccess: false }, [fuse, loop, fifo]);
    expect(rules.slice(-2).map(formatDeviceRule)).toEqual(['c 10:229 rwm', 'b 7:0 rw']);
    expect(rules).toHaveLength(1 + DEFAULT_ALLOWED_DEVICES.length + 2);
  });

  it('uses exactly allowedDevices instead of the defaults', () => {
    const rules = deviceRules({ deviceAccess: false, allowedDevices: [loop] }, [fuse]);
    expect(rules.map(formatDeviceRule)).toEqual(['a *:* rwm', 'b 7:0 rw', 'c 10:229 rwm']);
    expect(deviceRules({ deviceAccess: false, allowedDevices: [] }, []).map(formatDeviceRule)).toEqual(['a *:* rwm']);
  });

  it('refuses permissions other than r, w and m', () => {
    expect(() => deviceRules({ deviceAccess: false }, [{ ...fuse, cgroupPermissions: 'rx' }])).toThrow(/only r, w and m/);
  });
});

describe('v1DeviceWrites', () => {
  it('writes the deny-all to devices.deny first, then every allow', () => {
    const writes = v1DeviceWrites(deviceRules({ deviceAccess: false, allowedDevices: [loop] }, [fuse]));
    expect(writes).toEqual([
      { file: 'devices.deny', value: 'a *:* rwm' },
      { file: 'devices.allow', value: 'b 7:0 rw' },
      { file: 'devices.allow', value: 'c 10:229 rwm' },
    ]);
  });

  it('writes nothing for deviceAccess', () => {
    expect(v1DeviceWrites(deviceRules({ deviceAccess: true }, []))).toEqual([]);
  });
});

describe('deviceVerdict', () => {
  const rules = deviceRules({ deviceAccess: false }, []);
  it.each([
    ['c', 1, 3, 'rw', true],
    ['c', 8, 0, 'r', false],
    ['b', 8, 0, 'rw', false],
    ['b', 8, 0, 'm', true],
    ['c', 42, 42, 'm', true],
    ['c', 42, 42, 'rm', false],
    ['c', 136, 5, 'rw', true],
    ['c', 10, 200, 'rw', false], // /dev/net/tun: listed when a container needs it
    ['c', 4, 0, 'w', false], // /dev/tty0, a host terminal
    ['c', 10, 229, 'r', false],
  ] as const)('%s %i:%i %s → %s', (type, major, minor, access, expected) => {
    expect(deviceVerdict(rules, { type, major, minor, access })).toBe(expected);
  });

  it('lets a later deny take back part of an allow, like the v1 files', () => {
    const narrowed = [...rules, { type: 'c', major: 1, minor: 3, access: 'w', allow: false } as const];
    expect(deviceVerdict(narrowed, { type: 'c', major: 1, minor: 3, access: 'r' })).toBe(true);
    expect(deviceVerdict(narrowed, { type: 'c', major: 1, minor: 3, access: 'rw' })).toBe(false);
  });

  it('allows everything without rules', () => {
    expect(deviceVerdict([], { type: 'b', major: 8, minor: 0, access: 'rwm' })).toBe(true);
  });
});
