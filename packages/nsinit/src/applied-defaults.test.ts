import { parseContainerJson, toModel } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { appliedDefaults } from './applied-defaults.js';

const defaultsOf = (json: object) => {
  const config = parseContainerJson(json);
  return appliedDefaults(config, toModel(config, '/c/box'));
};

describe('appliedDefaults', () => {
  it('names every default a silent config gets, with the field that turns it off', () => {
    const lines = defaultsOf({});
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['mask_paths', 'readonly_paths', 'seccomp', 'cgroups', 'capabilities']);
    expect(lines[0]).toMatch(/^mask_paths +Docker's: \/proc\/acpi .* \/sys\/devices\/virtual\/powercap \(off: "mask_paths": \[\]\)$/);
    expect(lines[2]).toMatch(/^seccomp +Docker's profile for the kept capabilities: rules for \d+ system calls .*\(off: "seccomp": "unconfined"\)$/);
    expect(lines[3]).toMatch(/^cgroups +devices cgroup lc-box-[0-9a-f]{8} \(.*\): deny a \*:\* rwm, allow c \*:\* m, b \*:\* m, c 1:3 rwm, .*c 136:\* rwm \(off: "cgroups": \{ "device_access": true \}\)$/);
  });

  it('leaves out what the config sets itself, opted out or not', () => {
    const lines = defaultsOf({ mask_paths: [], readonly_paths: ['/proc/sys'], seccomp: 'unconfined', cgroups: { name: 'c' } });
    expect(lines).toEqual(['capabilities    inheritable and ambient sets empty, always']);
  });
});
