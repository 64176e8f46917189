import { describe, expect, it } from 'vitest';
import { readonlyRootSteps } from './readonly-root.js';
import { builder, show, testModel } from './test-support.js';

describe('readonlyRootSteps', () => {
  it('remounts / read-only with readonly_fs', () => {
    const b = builder();
    readonlyRootSteps(b, testModel({ readonlyRootfs: true }));
    expect(show(b)).toMatchInlineSnapshot(`
      "
      0  mount(NULL, "/", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)  # remount / read-only
      "
    `);
  });

  it('adds nothing without it', () => {
    const b = builder();
    readonlyRootSteps(b, testModel());
    expect(b.length).toBe(0);
  });
});
