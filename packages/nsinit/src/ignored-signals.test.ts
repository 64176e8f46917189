import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { ignoredSignals } from './ignored-signals.js';

describe('ignoredSignals', () => {
  it('lists what SigIgn says, real-time signals included, with SIGPIPE and SIGXFSZ', () => {
    // 0x81001004: SIGQUIT (3), SIGPIPE (13), SIGXFSZ (25), 32 (pnpm 12 leaves it ignored).
    const sys = new FakeSystem({ files: { '/proc/self/status': 'Name:\tnode\nSigBlk:\t0000000000000000\nSigIgn:\t0000000081001004\n' } });
    expect(ignoredSignals(sys)).toEqual([3, 13, 25, 32]);
  });

  it('is SIGPIPE and SIGXFSZ, which Node ignores, without a /proc', () => {
    expect(ignoredSignals(new FakeSystem())).toEqual([13, 25]);
  });
});
