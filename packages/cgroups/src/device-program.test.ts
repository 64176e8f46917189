import type { Device } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import {
  decodeInstructions,
  deviceInstructions,
  deviceProgram,
  disassemble,
  encodeInstructions,
  evaluateDeviceProgram,
  ins,
} from './device-program.js';
import { type DeviceRequest, type DeviceRule, deviceRules, deviceVerdict } from './devices.js';

const fuse: Device = { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rw' };
const defaults = deviceRules({ deviceAccess: false }, []);
const nullOnly: DeviceRule[] = [
  { type: 'a', major: '*', minor: '*', access: 'rwm', allow: false },
  { type: 'c', major: 1, minor: 3, access: 'rw', allow: true },
];

const run = (rules: DeviceRule[], request: DeviceRequest): boolean => evaluateDeviceProgram(deviceProgram(rules), request) === 1;

describe('deviceProgram on the default rules', () => {
  it.each([
    ['/dev/null rw', { type: 'c', major: 1, minor: 3, access: 'rw' }, true],
    ['/dev/zero r', { type: 'c', major: 1, minor: 5, access: 'r' }, true],
    ['/dev/urandom r', { type: 'c', major: 1, minor: 9, access: 'r' }, true],
    ['/dev/sda r', { type: 'b', major: 8, minor: 0, access: 'r' }, false],
    ['/dev/sda rw', { type: 'b', major: 8, minor: 0, access: 'rw' }, false],
    ['mknod /dev/sda', { type: 'b', major: 8, minor: 0, access: 'm' }, true],
    ['mknod any char', { type: 'c', major: 99, minor: 7, access: 'm' }, true],
    ['mknod and read any char', { type: 'c', major: 99, minor: 7, access: 'rm' }, false],
    ['/dev/pts/5', { type: 'c', major: 136, minor: 5, access: 'rw' }, true],
    ['/dev/net/tun', { type: 'c', major: 10, minor: 200, access: 'rw' }, false],
    ['/dev/fuse', { type: 'c', major: 10, minor: 229, access: 'r' }, false],
    ['/dev/mem', { type: 'c', major: 1, minor: 1, access: 'r' }, false],
    ['block 1:3 (not /dev/null)', { type: 'b', major: 1, minor: 3, access: 'r' }, false],
    ['/dev/kmsg', { type: 'c', major: 1, minor: 11, access: 'w' }, false],
  ] as const)('%s → %s', (_, request, expected) => {
    expect(run(defaults, request)).toBe(expected);
  });
});

// Every combination of type, access and a set of majors and minors that hits each
// rule's edges, compared with the reference semantics of the rules.
const MAJORS = [0, 1, 4, 5, 7, 8, 10, 136, 4095];
const MINORS = [0, 1, 2, 3, 5, 7, 8, 9, 200, 229, 1048575];
const ACCESSES = ['m', 'r', 'w', 'rw', 'rm', 'wm', 'rwm'];

function* requests(): Generator<DeviceRequest> {
  for (const type of ['c', 'b'] as const)
    for (const major of MAJORS) for (const minor of MINORS) for (const access of ACCESSES) yield { type, major, minor, access };
}

describe('deviceProgram against the rules, exhaustively', () => {
  const ruleSets: Record<string, DeviceRule[]> = {
    defaults,
    'defaults and a device node': deviceRules({ deviceAccess: false }, [fuse]),
    'allowed_devices only': deviceRules({ deviceAccess: false, allowedDevices: [{ ...fuse, type: 'b', major: 7, minor: 0 }] }, []),
    'deny everything': deviceRules({ deviceAccess: false, allowedDevices: [] }, []),
    'no rules (device_access)': [],
    '/dev/null only': nullOnly,
    'a later deny narrows an allow': [
      ...defaults,
      { type: 'c', major: 1, minor: 3, access: 'w', allow: false },
      { type: 'a', major: 10, minor: '*', access: 'r', allow: false },
    ],
    'allow-all with deny exceptions': [
      { type: 'a', major: '*', minor: '*', access: 'rwm', allow: true },
      { type: 'b', major: '*', minor: '*', access: 'rw', allow: false },
      { type: 'c', major: 1, minor: '*', access: 'm', allow: false },
    ],
    'a reset in the middle': [...defaults, { type: 'a', major: '*', minor: '*', access: 'mwr', allow: false }, nullOnly[1] as DeviceRule],
  };

  it.each(Object.entries(ruleSets))('%s', (_, rules) => {
    const program = deviceProgram(rules);
    const mismatches: string[] = [];
    for (const request of requests()) {
      const got = evaluateDeviceProgram(program, request) === 1;
      if (got !== deviceVerdict(rules, request)) mismatches.push(`${request.type} ${request.major}:${request.minor} ${request.access}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('program bytes', () => {
  it('encodes the /dev/null-only program as the kernel expects', () => {
    const program = deviceProgram(nullOnly);
    expect(decodeInstructions(program).map(disassemble)).toEqual([
      'r2 = *(u32 *)(r1 +0)',
      'w2 &= 65535',
      'r3 = *(u32 *)(r1 +0)',
      'w3 >>= 16',
      'r4 = *(u32 *)(r1 +4)',
      'r5 = *(u32 *)(r1 +8)',
      'if r2 != 2 goto +7',
      'w1 = w3',
      'w1 &= 6',
      'if r1 != r3 goto +4',
      'if r4 != 1 goto +3',
      'if r5 != 3 goto +2',
      'r0 = 1',
      'exit',
      'r0 = 0',
      'exit',
    ]);
    const hex = Array.from({ length: program.length / 8 }, (_, i) => Buffer.from(program.subarray(i * 8, i * 8 + 8)).toString('hex'));
    expect(hex).toEqual([
      '6112000000000000',
      '54020000ffff0000',
      '6113000000000000',
      '7403000010000000',
      '6114040000000000',
      '6115080000000000',
      '5502070002000000',
      'bc31000000000000',
      '5401000006000000',
      '5d31040000000000',
      '5504030001000000',
      '5505020003000000',
      'b700000001000000',
      '9500000000000000',
      'b700000000000000',
      '9500000000000000',
    ]);
  });

  it('round-trips negative offsets and immediates', () => {
    const code = [ins.jneImm(4, -1, -3), ins.ldxw(9, 10, -8)];
    expect(decodeInstructions(encodeInstructions(code))).toEqual(code);
  });

  it('allows everything without rules, in two instructions after the loads', () => {
    expect(deviceInstructions([]).slice(6).map(disassemble)).toEqual(['r0 = 1', 'exit']);
  });

  it('the interpreter refuses what the generator never emits', () => {
    expect(() => evaluateDeviceProgram(encodeInstructions([ins.exit()]), { type: 'c', major: 1, minor: 3, access: 'r' })).toThrow(
      /r0 read before/,
    );
    expect(() =>
      evaluateDeviceProgram(encodeInstructions([ins.mov64Imm(0, 1)]), { type: 'c', major: 1, minor: 3, access: 'r' }),
    ).toThrow(/runs off its end/);
  });
});
