import { describe, expect, it } from 'vitest';
import { pivotSteps } from './pivot.js';
import { builder, show, testModel } from './test-support.js';

describe('pivotSteps', () => {
  it('pivots into the rootfs and detaches the old root', () => {
    const b = builder();
    pivotSteps(b, testModel());
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  chdir("/r")  # chdir /r
      1  pivot_root(".", ".")  # pivot_root .
      2  umount2(".", MNT_DETACH)  # detach the old root
      3  chdir("/")  # chdir /
      "
    `);
  });

  it('moves the rootfs onto / and chroots with no_pivot_root', () => {
    const b = builder();
    pivotSteps(b, testModel({ noPivotRoot: true }));
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  chdir("/r")  # chdir /r
      1  mount("/r", "/", NULL, MS_MOVE, NULL)  # move /r to /
      2  chroot(".")  # chroot .
      3  chdir("/")  # chdir /
      "
    `);
  });
});
