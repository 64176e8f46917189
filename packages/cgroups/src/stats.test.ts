import { describe, expect, it } from 'vitest';
import { parseKeyValues, parseLimit, parseV1Blkio, parseV2IoStat } from './stats.js';
import { v2FreezerState } from './v2-stats.js';

describe('stats parsers', () => {
  it('reads limits, with v1 and v2 spellings of unlimited', () => {
    expect(parseLimit('9223372036854771712\n')).toBe('max');
    expect(parseLimit('max\n')).toBe('max');
    expect(parseLimit('1048576\n')).toBe(1048576);
    expect(parseLimit(undefined)).toBe('max');
  });

  it('reads key-value files', () => {
    expect(parseKeyValues('cache 10\nrss 20\n\n')).toEqual({ cache: 10, rss: 20 });
  });

  it('reads v1 blkio lines and skips the Total line', () => {
    expect(parseV1Blkio('8:0 Read 4096\n8:0 Write 0\nTotal 4096\n')).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 0 },
    ]);
  });

  it('reads v2 io.stat bytes in v1 op names', () => {
    expect(parseV2IoStat('259:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n')).toEqual([
      { major: 259, minor: 0, op: 'Read', value: 4096 },
      { major: 259, minor: 0, op: 'Write', value: 8192 },
      { major: 259, minor: 0, op: 'Discard', value: 0 },
    ]);
  });

  it('tells freezing from frozen on v2', () => {
    expect(v2FreezerState('0\n', 'frozen 0\n')).toBe('THAWED');
    expect(v2FreezerState('1\n', 'populated 1\nfrozen 0\n')).toBe('FREEZING');
    expect(v2FreezerState('1\n', 'populated 1\nfrozen 1\n')).toBe('FROZEN');
  });
});
