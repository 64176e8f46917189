import { describe, expect, it } from 'vitest';
import { AT_FDCWD } from './constants.js';
import { errnoNumber } from './errno.js';
import { executePlan } from './execute-plan.js';
import { IGNORE, ignoreErrno, PlanBuilder, ZERO_RESULT_ERRNO } from './plan.js';
import * as steps from './plan-steps.js';
import { syscallNumber } from './syscall-numbers.js';
import { FakeSystem } from './testing/fake-system.js';

function recordingSystem(results: Record<string, bigint> = {}): FakeSystem {
  return new FakeSystem().script('syscall', (name) => results[name] ?? 0n);
}

describe('executePlan', () => {
  it('runs every step in order with resolved arguments', () => {
    const b = new PlanBuilder('x64');
    const fd = b.slot('fd');
    steps.openat(b, '/etc/hostname', 0, 0, fd);
    steps.close(b, fd);
    const sys = recordingSystem({ openat: 7n });
    expect(executePlan(b.build(), sys, {})).toBeUndefined();
    const calls = sys.calls.map((call) => call.args);
    expect(calls.map((args) => args[0])).toEqual(['openat', 'close']);
    expect(calls[0]?.[1]).toBe(syscallNumber('openat', 'x64'));
    // The slot carries openat's result into close.
    expect(calls[1]?.[2]).toEqual([7n]);
  });

  it('passes pointers to NUL-terminated strings', () => {
    const b = new PlanBuilder('x64');
    steps.chdir(b, '/tmp');
    const seen: bigint[] = [];
    const sys = new FakeSystem().script('syscall', (_name, _nr, args) => {
      seen.push(...args);
      return 0n;
    });
    executePlan(b.build(), sys, {});
    expect(seen[0]).toBeGreaterThan(0n);
  });

  it('fills input slots by name and rejects a missing one', () => {
    const b = new PlanBuilder('x64');
    const sync = b.input('sync');
    steps.read(b, sync, 1, 'wait');
    const sys = recordingSystem({ read: 1n });
    executePlan(b.build(), sys, { sync: 4 });
    expect(sys.calls[0]?.args[2]).toEqual([4n, expect.any(BigInt), 1n]);
    expect(() => executePlan(b.build(), sys, {})).toThrow('plan input sync was not provided');
  });

  it('reports the failing step and its errno', () => {
    const b = new PlanBuilder('x64');
    steps.umask(b, 0);
    steps.mount(b, { source: 'proc', target: '/r/proc', fstype: 'proc', flags: 0 });
    steps.umask(b, 0o22);
    const sys = recordingSystem().failAt(1, 'EPERM');
    expect(executePlan(b.build(), sys, {})).toEqual({ step: 1, errno: errnoNumber('EPERM') });
    expect(sys.calls).toHaveLength(2);
  });

  it('ignores errors by policy', () => {
    const b = new PlanBuilder('x64');
    steps.mkdirAt(b, AT_FDCWD, '/a', 0o755, { onError: ignoreErrno(errnoNumber('EEXIST')) });
    steps.mkdirAt(b, AT_FDCWD, '/b', 0o755, { onError: IGNORE });
    steps.mkdirAt(b, AT_FDCWD, '/c', 0o755, { onError: ignoreErrno(errnoNumber('EEXIST')) });
    const sys = recordingSystem().failAt(0, 'EEXIST').failAt(1, 'EACCES').failAt(2, 'EACCES');
    expect(executePlan(b.build(), sys, {})).toEqual({ step: 2, errno: errnoNumber('EACCES') });
  });

  it('jumps on error', () => {
    const b = new PlanBuilder('x64');
    steps.chdir(b, '/first', { onError: { policy: 'jump', to: 2 } });
    steps.chdir(b, '/skipped');
    steps.chdir(b, '/fallback');
    const sys = recordingSystem().failAt(0, 'ENOENT');
    expect(executePlan(b.build(), sys, {})).toBeUndefined();
    expect(sys.calls).toHaveLength(2);
  });

  it('treats a zero result as EOF on the sync pipe when asked', () => {
    const b = new PlanBuilder('x64');
    const sync = b.input('sync');
    steps.read(b, sync, 1, 'wait', { zeroIsError: true });
    expect(executePlan(b.build(), recordingSystem({ read: 0n }), { sync: 4 })).toEqual({
      step: 0,
      errno: ZERO_RESULT_ERRNO,
    });
  });

  it('lays out argv as a NULL-terminated pointer array', () => {
    const b = new PlanBuilder('x64');
    steps.execve(b, '/bin/sh', ['sh', '-c', 'true'], ['A=1']);
    let argvAddress = 0n;
    const sys = new FakeSystem().script('syscall', (_name, _nr, args) => {
      argvAddress = args[1]!;
      return 0n;
    });
    executePlan(b.build(), sys, {});
    expect(argvAddress).toBeGreaterThan(0n);
  });
});
