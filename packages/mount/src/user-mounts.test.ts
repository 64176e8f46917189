import type { Mount } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { PlannedTree } from './planned-tree.js';
import { builder, show, testModel, testRoot, testSystem } from './test-support.js';
import { userMountSteps } from './user-mounts.js';

const HOST = {
  '/srv/data': { type: 'directory' },
  '/srv/config.json': '{}',
  '/srv/link': { type: 'symlink', target: 'config.json' },
} as const;

function plan(mounts: Mount[], extra: Parameters<typeof testSystem>[0] = {}): string {
  const b = builder();
  const sys = testSystem({ ...HOST, ...extra });
  userMountSteps(b, testModel({ mounts }), sys, new PlannedTree(sys), testRoot(b));
  return show(b);
}

const bind = (destination: string, more: Partial<Mount> = {}): Mount => ({
  kind: 'bind',
  source: '/srv/data',
  destination,
  readonly: false,
  private: false,
  ...more,
});

describe('userMountSteps', () => {
  it('binds read-write', () => {
    expect(plan([bind('/tmp')])).toMatchInlineSnapshot(`
      "
      0  open_tree(AT_FDCWD, "/srv/data", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/data
      1  openat2($rootfs, "/tmp", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /tmp
      2  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      3  close($target)  # mounts[0].destination: close /tmp
      4  close($source)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('binds read-only: the detached clone is made read-only all the way down before it is attached', () => {
    expect(plan([bind('/tmp', { readonly: true })])).toMatchInlineSnapshot(`
      "
      0  open_tree(AT_FDCWD, "/srv/data", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/data
      1  mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY}, 32)  # mounts[0]: make the bind read-only
      2  openat2($rootfs, "/tmp", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /tmp
      3  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      4  close($target)  # mounts[0].destination: close /tmp
      5  close($source)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('makes a private bind recursively private while it is detached', () => {
    expect(plan([bind('/tmp', { private: true })])).toMatchInlineSnapshot(`
      "
      0  open_tree(AT_FDCWD, "/srv/data", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/data
      1  mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {propagation=MS_PRIVATE}, 32)  # mounts[0]: make it private
      2  openat2($rootfs, "/tmp", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /tmp
      3  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      4  close($target)  # mounts[0].destination: close /tmp
      5  close($source)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('mounts a tmpfs with its data, read-only when asked', () => {
    expect(
      plan([{ kind: 'tmpfs', source: 'tmpfs', destination: '/tmp', readonly: true, private: false, data: 'size=64m' }]),
    ).toMatchInlineSnapshot(`
      "
      0  fsopen("tmpfs", FSOPEN_CLOEXEC) = $fs  # mounts[0] (tmpfs on /tmp): fsopen tmpfs
      1  fsconfig($fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0)  # mounts[0] (tmpfs on /tmp): option source=tmpfs
      2  fsconfig($fs, FSCONFIG_SET_STRING, "size", "64m", 0)  # mounts[0] (tmpfs on /tmp): option size=64m
      3  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mounts[0] (tmpfs on /tmp): create the tmpfs filesystem
      4  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV) = $mount  # mounts[0] (tmpfs on /tmp): fsmount
      5  close($fs)  # mounts[0] (tmpfs on /tmp): close the filesystem context
      6  openat2($rootfs, "/tmp", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /tmp
      7  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      8  close($target)  # mounts[0].destination: close /tmp
      9  close($mount)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('creates a missing target, parents first', () => {
    expect(plan([bind('/var/lib/data')])).toMatchInlineSnapshot(`
      "
       0  openat2($rootfs, "/", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[0].destination: open /
       1  mkdirat($parent, "var", 0755)  [EEXIST ok]  # mounts[0].destination: mkdir /var
       2  close($parent)  # mounts[0].destination: close /
       3  openat2($rootfs, "/var", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[0].destination: open /var
       4  mkdirat($parent, "lib", 0755)  [EEXIST ok]  # mounts[0].destination: mkdir /var/lib
       5  close($parent)  # mounts[0].destination: close /var
       6  openat2($rootfs, "/var/lib", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[0].destination: open /var/lib
       7  mkdirat($parent, "data", 0755)  [EEXIST ok]  # mounts[0].destination: mkdir /var/lib/data
       8  close($parent)  # mounts[0].destination: close /var/lib
       9  open_tree(AT_FDCWD, "/srv/data", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/data
      10  openat2($rootfs, "/var/lib/data", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /var/lib/data
      11  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      12  close($target)  # mounts[0].destination: close /var/lib/data
      13  close($source)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('resolves a target through a symlink inside the rootfs, not the host', () => {
    const out = plan([bind('/data/x')], { '/r/data': { type: 'symlink', target: '/etc' } });
    expect(out).toContain('openat2($rootfs, "/etc", ');
    expect(out).toContain('mkdirat($parent, "x", 0755)');
    expect(out).toContain('openat2($rootfs, "/etc/x", ');
    // Every path is opened from the rootfs fd: none is a host path.
    expect(out).not.toMatch(/AT_FDCWD, "\/(etc|r)/);
  });

  it('keeps ../../.. inside the rootfs', () => {
    const out = plan([bind('/../../../etc')]);
    expect(out).toContain('openat2($rootfs, "/etc", ');
  });

  it('keeps a relative symlink climbing out inside the rootfs', () => {
    const out = plan([bind('/tmp/up/etc')], { '/r/tmp/up': { type: 'symlink', target: '../../../..' } });
    expect(out).toContain('openat2($rootfs, "/etc", ');
  });

  it('creates an empty file to bind a file onto', () => {
    expect(plan([bind('/etc/config.json', { source: '/srv/config.json' })])).toMatchInlineSnapshot(`
      "
      0  openat2($rootfs, "/etc", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[0].destination: open /etc
      1  mknodat($parent, "config.json", 0100644, makedev(0, 0))  [EEXIST ok]  # mounts[0].destination: create /etc/config.json
      2  close($parent)  # mounts[0].destination: close /etc
      3  open_tree(AT_FDCWD, "/srv/config.json", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/config.json
      4  openat2($rootfs, "/etc/config.json", {flags=O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /etc/config.json
      5  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
      6  close($target)  # mounts[0].destination: close /etc/config.json
      7  close($source)  # mounts[0].destination: close the mount
      "
    `);
  });

  it('follows a symlinked source to decide file or directory', () => {
    const out = plan([bind('/etc/app.json', { source: '/srv/link' })]);
    expect(out).toContain('mknodat($parent, "app.json", 0100644, makedev(0, 0))');
  });

  it('names the field when the source is missing', () => {
    expect(() => plan([bind('/tmp'), bind('/x', { source: '/srv/nope' })])).toThrow(
      'mounts[1].source: /srv/nope: no such file or directory',
    );
  });

  it('names the field when the target cannot be resolved', () => {
    expect(() => plan([bind('/etc/passwd/x')])).toThrow(/^mounts\[0\]\.destination: \/etc\/passwd\/x: .*ENOTDIR/);
  });
});
