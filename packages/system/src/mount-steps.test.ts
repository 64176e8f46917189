import { describe, expect, it } from 'vitest';
import { AT_EMPTY_PATH, AT_FDCWD, MS, O } from './constants.js';
import { AT_RECURSIVE, MOUNT_ATTR, MOVE_MOUNT, OPEN_TREE, RESOLVE } from './mount-api.js';
import * as mountSteps from './mount-steps.js';
import { PlanBuilder } from './plan.js';
import * as steps from './plan-steps.js';
import { renderPlan } from './render-plan.js';
import { syscallNumber } from './syscall-numbers.js';

describe('the new mount API steps', () => {
  it('render like strace, structs decoded', () => {
    const b = new PlanBuilder('x64');
    const root = b.slot('rootfs');
    const target = b.slot('target');
    const source = b.slot('source');
    steps.openat2(b, root, '/dev', { flags: O.PATH | O.DIRECTORY | O.CLOEXEC, resolve: RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS }, target);
    steps.openTree(b, AT_FDCWD, '/srv', OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC | AT_RECURSIVE, source);
    steps.mountSetattr(b, source, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, propagation: MS.PRIVATE });
    steps.moveMount(b, source, '', target, '', MOVE_MOUNT.F_EMPTY_PATH | MOVE_MOUNT.T_EMPTY_PATH);
    steps.fchdir(b, root);
    steps.mkdirAt(b, target, 'pts', 0o755);
    steps.symlinkAt(b, 'pts/ptmx', target, 'ptmx');
    steps.chownAt(b, target, 'tun', 0, 5);
    expect(renderPlan(b.build())).toMatchInlineSnapshot(`
      "0  openat2($rootfs, "/dev", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target
      1  open_tree(AT_FDCWD, "/srv", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source
      2  mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID, propagation=MS_PRIVATE}, 32)
      3  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)
      4  fchdir($rootfs)
      5  mkdirat($target, "pts", 0755)
      6  symlinkat("pts/ptmx", $target, "ptmx")
      7  fchownat($target, "tun", 0, 5, AT_SYMLINK_NOFOLLOW)"
    `);
  });

  it('lay out struct open_how and struct mount_attr as the kernel reads them', () => {
    const b = new PlanBuilder('x64');
    steps.openat2(b, AT_FDCWD, '/x', { flags: O.PATH | O.CLOEXEC, mode: 0, resolve: RESOLVE.IN_ROOT }, b.slot('fd'));
    steps.mountSetattr(b, AT_FDCWD, '/x', 0, { set: MOUNT_ATTR.RDONLY, clear: MOUNT_ATTR.NOEXEC, propagation: MS.SLAVE });
    const plan = b.build();
    const bytes = plan.data.filter((item) => item.kind === 'bytes').map((item) => Buffer.from(item.value));
    expect(bytes.map((buffer) => buffer.length)).toEqual([24, 32]);
    expect([0, 8, 16].map((at) => bytes[0]!.readBigUInt64LE(at))).toEqual([BigInt(O.PATH | O.CLOEXEC), 0n, 0x10n]);
    expect([0, 8, 16, 24].map((at) => bytes[1]!.readBigUInt64LE(at))).toEqual([1n, 8n, BigInt(MS.SLAVE), 0n]);
  });

  it('have the same numbers on x86-64 and aarch64', () => {
    for (const name of ['open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'mount_setattr', 'openat2'] as const) {
      expect(syscallNumber(name, 'x64')).toBe(syscallNumber(name, 'arm64'));
    }
    expect(syscallNumber('mount_setattr', 'x64')).toBe(442);
  });
});

describe('mountSteps', () => {
  it('makes a new filesystem detached, options one by one, and closes its context', () => {
    const b = new PlanBuilder('x64');
    const mount = mountSteps.newMount(
      b,
      { fstype: 'devpts', source: 'devpts', options: [{ key: 'newinstance' }, { key: 'gid', value: '5' }], attributes: MOUNT_ATTR.NOSUID },
      'mount devpts',
    );
    mountSteps.attachInRoot(b, mount, b.slot('rootfs'), '/dev/pts', 'directory', 'mount devpts');
    const plan = b.build();
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      " 0  fsopen("devpts", FSOPEN_CLOEXEC) = $fs
       1  fsconfig($fs, FSCONFIG_SET_STRING, "source", "devpts", 0)
       2  fsconfig($fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0)
       3  fsconfig($fs, FSCONFIG_SET_STRING, "gid", "5", 0)
       4  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)
       5  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID) = $mount
       6  close($fs)
       7  openat2($rootfs, "/dev/pts", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target
       8  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)
       9  close($target)
      10  close($mount)"
    `);
    expect(plan.steps.map((step) => step.label)).toEqual([
      'mount devpts: fsopen devpts',
      'mount devpts: option source=devpts',
      'mount devpts: option newinstance',
      'mount devpts: option gid=5',
      'mount devpts: create the devpts filesystem',
      'mount devpts: fsmount',
      'mount devpts: close the filesystem context',
      'mount devpts: open /dev/pts',
      'mount devpts: attach',
      'mount devpts: close /dev/pts',
      'mount devpts: close the mount',
    ]);
  });

  it('clones a bind source, recursively or not, by path or by fd', () => {
    const b = new PlanBuilder('x64');
    const fd = b.slot('null');
    mountSteps.cloneMount(b, AT_FDCWD, '/srv', true, 'a');
    mountSteps.cloneMount(b, fd, '', false, 'b');
    expect(renderPlan(b.build())).toBe(
      [
        '0  open_tree(AT_FDCWD, "/srv", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source',
        '1  open_tree($null, "", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_EMPTY_PATH) = $source-2',
      ].join('\n'),
    );
  });

  it('reads mount(2) data as fsconfig options, quotes kept together and dropped', () => {
    expect(mountSteps.parseMountOptions('size=1m,mode=0755,noswap,context="a:b:s0:c1,c2",')).toEqual([
      { key: 'size', value: '1m' },
      { key: 'mode', value: '0755' },
      { key: 'noswap' },
      { key: 'context', value: 'a:b:s0:c1,c2' },
    ]);
    expect(mountSteps.parseMountOptions(undefined)).toEqual([]);
    expect(mountSteps.parseMountOptions('')).toEqual([]);
  });
});
