import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { readonlyRootSteps } from './readonly-root.js';
import { builder, show, testModel } from './test-support.js';

describe('readonlyRootSteps', () => {
  it('remounts / read-only with readonly_fs', () => {
    const b = builder();
    readonlyRootSteps(b, testModel({ readonlyRootfs: true }), new FakeSystem());
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  mount(NULL, "/", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)  # remount / read-only
      "
    `);
  });

  it('keeps the nosuid, nodev and noexec of the mount that holds the rootfs', () => {
    const b = builder();
    const sys = new FakeSystem({ mountFlags: { '/r': 0x2 | 0x4 | 0x8 } });
    readonlyRootSteps(b, testModel({ readonlyRootfs: true }), sys);
    expect(show(b)).toContain('MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND');
  });

  it('adds nothing without it', () => {
    const b = builder();
    readonlyRootSteps(b, testModel(), new FakeSystem());
    expect(b.length).toBe(0);
  });
});
