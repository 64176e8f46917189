import { describe, expect, it } from 'vitest';
import { readonlyRootSteps } from './readonly-root.js';
import { builder, show, testModel, testRoot } from './test-support.js';

describe('readonlyRootSteps', () => {
  it('makes the rootfs mount read-only through its fd with readonly_fs, and only that mount', () => {
    const b = builder();
    readonlyRootSteps(b, testModel({ readonlyRootfs: true }), testRoot(b));
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  mount_setattr($rootfs, "", AT_EMPTY_PATH, {attr_set=MOUNT_ATTR_RDONLY}, 32)  # make / read-only
      "
    `);
  });

  it('adds nothing without it', () => {
    const b = builder();
    readonlyRootSteps(b, testModel(), testRoot(b));
    expect(b.length).toBe(0);
  });
});
