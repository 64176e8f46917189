import { PlanBuilder, renderPlan } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { consoleStdioSteps } from './console-stdio.js';

describe('consoleStdioSteps', () => {
  it('puts /dev/console, opened after the pivot, on fds 0, 1 and 2', () => {
    const b = new PlanBuilder('x64');
    consoleStdioSteps(b);
    expect(renderPlan(b.build())).toMatchInlineSnapshot(`
      "0  openat(AT_FDCWD, "/dev/console", O_RDWR|O_NOCTTY|O_CLOEXEC, 0) = $console
      1  dup3($console, 0, 0)
      2  dup3($console, 1, 0)
      3  dup3($console, 2, 0)"
    `);
  });
});
