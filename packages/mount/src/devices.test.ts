import type { Device } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { deviceSteps } from './devices.js';
import { PlannedTree } from './planned-tree.js';
import { builder, show, testModel, testRoot, testSystem } from './test-support.js';

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
  deviceSteps(b, testModel({ devices }), tree, testRoot(b));
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
       0  openat2($rootfs, "/dev", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # devices[0].path: open /dev
       1  mkdirat($parent, "net", 0755)  [EEXIST ok]  # devices[0].path: mkdir /dev/net
       2  close($parent)  # devices[0].path: close /dev
       3  openat2($rootfs, "/dev/net", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # devices[0].path: open /dev/net
       4  mknodat($parent, "tun", 020666, makedev(10, 200))  [EEXIST ok]  # devices[0].path: mknod /dev/net/tun
       5  close($parent)  # devices[0].path: close /dev/net
       6  openat2($rootfs, "/dev", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # devices[1].path: open /dev
       7  mknodat($parent, "sda", 060660, makedev(8, 0))  [EEXIST ok]  # devices[1].path: mknod /dev/sda
       8  fchownat($parent, "sda", 0, 6, AT_SYMLINK_NOFOLLOW)  # devices[1].path: chown /dev/sda
       9  close($parent)  # devices[1].path: close /dev
      10  openat2($rootfs, "/dev/net", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # devices[2].path: open /dev/net
      11  mknodat($parent, "fifo", 010600, makedev(0, 0))  [EEXIST ok]  # devices[2].path: mknod /dev/net/fifo
      12  fchownat($parent, "fifo", 1000, 1000, AT_SYMLINK_NOFOLLOW)  # devices[2].path: chown /dev/net/fifo
      13  close($parent)  # devices[2].path: close /dev/net
      "
    `);
  });

  it('refuses a path that is already a directory', () => {
    expect(() => plan([device({ path: '/dev/net/tun' }), device({ path: '/dev/net' })])).toThrow(
      'devices[1].path: /dev/net: already exists as a directory',
    );
  });
});
