import { describe, expect, it } from 'vitest';
import { pivotSteps } from './pivot.js';
import { builder, show, testModel, testRoot } from './test-support.js';

describe('pivotSteps', () => {
  it('pivots into the rootfs, entered by its fd, and detaches the old root', () => {
    const b = builder();
    pivotSteps(b, testModel(), testRoot(b));
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  fchdir($rootfs)  # fchdir to /r
      1  pivot_root(".", ".")  # pivot_root .
      2  umount2(".", MNT_DETACH)  # detach the old root
      3  chdir("/")  # chdir /
      "
    `);
  });

  it('moves the rootfs mount onto / and chroots with no_pivot_root', () => {
    const b = builder();
    pivotSteps(b, testModel({ noPivotRoot: true }), testRoot(b));
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  fchdir($rootfs)  # fchdir to /r
      1  move_mount($rootfs, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH)  # move /r to /
      2  chroot(".")  # chroot .
      3  chdir("/")  # chdir /
      "
    `);
  });
});
