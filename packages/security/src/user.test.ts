import { LcError } from '@lc/config-types';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { SecurityError } from './security-error.js';
import { resolveUser } from './user.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice:/home/alice:/bin/sh',
  'nohome:x:1001:1001:::/bin/sh',
].join('\n');
const GROUP = [
  'root:x:0:',
  'wheel:x:10:root,alice',
  'audio:x:29:alice',
  'alice:x:1000:alice',
  'staff:x:50:',
  'again:x:10:alice',
].join('\n');

function fakeRoot(files: Record<string, string> = { '/r/etc/passwd': PASSWD, '/r/etc/group': GROUP }): FakeSystem {
  return new FakeSystem({ files });
}

describe('resolveUser', () => {
  it('"" is root, with root\'s supplementary groups and home', () => {
    expect(resolveUser(fakeRoot(), '/r', '')).toEqual({ uid: 0, gid: 0, additionalGids: [10], home: '/root', name: 'root' });
  });

  it('resolves a name, with every group listing it and no duplicates of the primary gid', () => {
    expect(resolveUser(fakeRoot(), '/r', 'alice')).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [10, 29],
      home: '/home/alice',
      name: 'alice',
    });
  });

  it('resolves a uid that has an entry', () => {
    expect(resolveUser(fakeRoot(), '/r/', '1')).toEqual({ uid: 1, gid: 1, additionalGids: [], home: '/usr/sbin', name: 'daemon' });
  });

  it('allows a uid without an entry: gid 0, home /', () => {
    expect(resolveUser(fakeRoot(), '/r', '4242')).toEqual({ uid: 4242, gid: 0, additionalGids: [], home: '/' });
  });

  it('defaults an empty home to /', () => {
    expect(resolveUser(fakeRoot(), '/r', 'nohome').home).toBe('/');
  });

  it('resolves name:group, uid:gid and the mixed forms; an explicit group means no supplementary groups', () => {
    const sys = fakeRoot();
    expect(resolveUser(sys, '/r', 'alice:staff')).toEqual({ uid: 1000, gid: 50, additionalGids: [], home: '/home/alice', name: 'alice' });
    expect(resolveUser(sys, '/r', '1000:29')).toMatchObject({ uid: 1000, gid: 29, additionalGids: [] });
    expect(resolveUser(sys, '/r', 'alice:29')).toMatchObject({ uid: 1000, gid: 29 });
    expect(resolveUser(sys, '/r', '1000:staff')).toMatchObject({ uid: 1000, gid: 50 });
    expect(resolveUser(sys, '/r', '5000:6000')).toEqual({ uid: 5000, gid: 6000, additionalGids: [], home: '/' });
    expect(resolveUser(sys, '/r', ':staff')).toMatchObject({ uid: 0, gid: 50, name: 'root' });
  });

  it('adds additional groups, by name or gid, to any spec, without duplicates', () => {
    const sys = fakeRoot();
    expect(resolveUser(sys, '/r', 'alice', ['staff', '29', '4000']).additionalGids).toEqual([10, 29, 50, 4000]);
    expect(resolveUser(sys, '/r', 'alice:staff', ['audio']).additionalGids).toEqual([29]);
    expect(() => resolveUser(sys, '/r', 'alice', ['audio', 'video'])).toThrow('additional_groups[1]: no such group "video" in /r/etc/group');
    expect(() => resolveUser(sys, '/r', '', ['99999999999'])).toThrow('additional_groups[0] "99999999999": gid out of range');
  });

  it('rejects an unknown name or group, naming the file', () => {
    expect(() => resolveUser(fakeRoot(), '/r', 'bob')).toThrow('user "bob": no such user in /r/etc/passwd');
    expect(() => resolveUser(fakeRoot(), '/r', 'alice:nogroup')).toThrow('group "nogroup": no such group in /r/etc/group');
    expect(() => resolveUser(fakeRoot(), '/r', 'bob')).toThrow(SecurityError);
    try {
      resolveUser(fakeRoot(), '/r', 'bob');
    } catch (error) {
      expect(LcError.isInstance(error) && error.code).toBe('SECURITY');
    }
  });

  it('rejects malformed specs and ids out of range', () => {
    expect(() => resolveUser(fakeRoot(), '/r', 'a:b:c')).toThrow('user "a:b:c": expected name, uid, name:group or uid:gid');
    expect(() => resolveUser(fakeRoot(), '/r', '4294967295')).toThrow('user "4294967295": uid out of range');
    expect(() => resolveUser(fakeRoot(), '/r', '0:99999999999')).toThrow('group "99999999999": gid out of range');
  });

  it('reads a symlinked /etc inside the rootfs, not on the host', () => {
    const sys = new FakeSystem({
      files: {
        '/r/etc': { type: 'symlink', target: '/data/etc' },
        '/r/data/etc/passwd': 'carol:x:2000:2000::/home/carol:/bin/sh\n',
        '/r/data/etc/group': 'dev:x:3000:carol\n',
        '/etc/passwd': 'carol:x:1:1::/host:/bin/sh\n',
      },
    });
    expect(resolveUser(sys, '/r', 'carol')).toEqual({ uid: 2000, gid: 2000, additionalGids: [3000], home: '/home/carol', name: 'carol' });
    expect(sys.calls.filter((call) => call.method === 'readFile').map((call) => call.args[0])).toEqual([
      '/r/data/etc/passwd',
      '/r/data/etc/group',
    ]);
  });

  it('reads a symlinked /etc/passwd whose relative target climbs out, clamped to the rootfs', () => {
    const sys = new FakeSystem({
      files: {
        '/r/etc/passwd': { type: 'symlink', target: '../../../../shadow/passwd' },
        '/r/shadow/passwd': 'dave:x:7:7::/d:/bin/sh\n',
      },
    });
    expect(resolveUser(sys, '/r', 'dave')).toMatchObject({ uid: 7, gid: 7, home: '/d' });
  });

  it('works without /etc/passwd for numeric specs and root, not for names', () => {
    const sys = fakeRoot({ '/r/bin/sh': '' });
    expect(resolveUser(sys, '/r', '')).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/' });
    expect(resolveUser(sys, '/r', '1000')).toEqual({ uid: 1000, gid: 0, additionalGids: [], home: '/' });
    expect(resolveUser(sys, '/r', '1000:1000')).toEqual({ uid: 1000, gid: 1000, additionalGids: [], home: '/' });
    expect(() => resolveUser(sys, '/r', 'bob')).toThrow('user "bob": /r/etc/passwd does not exist');
    expect(() => resolveUser(sys, '/r', '0:staff')).toThrow('group "staff": /r/etc/group does not exist');
  });

  it('reports a passwd that cannot be read', () => {
    const sys = fakeRoot().failNext('readFile', 'EACCES');
    expect(() => resolveUser(sys, '/r', '0')).toThrow(/^user "0": .*EACCES$/);
  });
});
