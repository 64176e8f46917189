import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd } from './passwd.js';

describe('parsePasswd', () => {
  it('reads entries and skips comments, blank and malformed lines', () => {
    const text = [
      '# users',
      'root:x:0:0:root:/root:/bin/sh',
      '',
      'broken line',
      'nouid:x::100::/home/nouid:/bin/sh',
      'neg:x:-1:100::/:/bin/sh',
      '  daemon:x:1:1::/usr/sbin:/usr/sbin/nologin  ',
      'short:x:7:8',
    ].join('\n');
    expect(parsePasswd(text)).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root' },
      { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin' },
      { name: 'short', uid: 7, gid: 8, home: '' },
    ]);
  });

  it('rejects (uid_t)-1', () => {
    expect(parsePasswd('nobody:x:4294967295:0::/:/bin/sh')).toEqual([]);
  });
});

describe('parseGroup', () => {
  it('reads members, empty lists and skips malformed lines', () => {
    const text = ['root:x:0:', 'wheel:x:10:root, alice', 'bad:x:ten:alice', '#c:x:1:alice', 'plain:x:20'].join('\n');
    expect(parseGroup(text)).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'wheel', gid: 10, members: ['root', 'alice'] },
      { name: 'plain', gid: 20, members: [] },
    ]);
  });
});
