import type { Device } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { deviceSteps } from './devices.js';
import { PlannedTree } from './planned-tree.js';
import { builder, show, testModel, testSystem } from './test-support.js';

const device = (more: Partial<Device>): Device => ({
  type: 'c',
  path: '/dev/fuse',
  major: 10,
  minor: 229,
  fileMode: 0o666,
  uid: 0,
  gid: 0,
  cgroupPermissions: 'rwm',
  ...more,
});

function plan(devices: Device[]): string {
  const b = builder();
  const sys = testSystem();
  const tree = new PlannedTree(sys);
  tree.mounted('/r/dev'); // the /dev tmpfs: empty
  deviceSteps(b, testModel({ devices }), tree);
  return show(b);
}

describe('deviceSteps', () => {
  it('creates nodes of each type, parents on the way, and owns them', () => {
    expect(
      plan([
        device({ path: '/dev/net/tun', major: 10, minor: 200 }),
        device({ type: 'b', path: '/dev/sda', major: 8, minor: 0, fileMode: 0o660, gid: 6 }),
        device({ type: 'p', path: '/dev/net/fifo', major: 0, minor: 0, fileMode: 0o600, uid: 1000, gid: 1000 }),
      ]),
    ).toMatchInlineSnapshot(`
      "
      0  mkdirat(AT_FDCWD, "/r/dev/net", 0755)  # mkdir /r/dev/net
      1  mknodat(AT_FDCWD, "/r/dev/net/tun", 020666, makedev(10, 200))  [EEXIST ok]  # mknod /r/dev/net/tun
      2  mknodat(AT_FDCWD, "/r/dev/sda", 060660, makedev(8, 0))  [EEXIST ok]  # mknod /r/dev/sda
      3  fchownat(AT_FDCWD, "/r/dev/sda", 0, 6, 0)  # chown /r/dev/sda
      4  mknodat(AT_FDCWD, "/r/dev/net/fifo", 010600, makedev(0, 0))  [EEXIST ok]  # mknod /r/dev/net/fifo
      5  fchownat(AT_FDCWD, "/r/dev/net/fifo", 1000, 1000, 0)  # chown /r/dev/net/fifo
      "
    `);
  });

  it('refuses a path that is already a directory', () => {
    expect(() => plan([device({ path: '/dev/net/tun' }), device({ path: '/dev/net' })])).toThrow(
      'devices[1].path: /dev/net: already exists as a directory',
    );
  });
});
