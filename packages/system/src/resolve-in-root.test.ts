import { describe, expect, it } from 'vitest';
import { resolveInRoot } from './resolve-in-root.js';
import { FakeSystem } from './testing/fake-system.js';

const sys = new FakeSystem({
  files: {
    '/r/etc/passwd': 'root:x:0:0::/root:/bin/sh\n',
    '/r/bin': { type: 'symlink', target: 'usr/bin' },
    '/r/usr/bin/sh': 'elf',
    '/r/escape': { type: 'symlink', target: '/etc' },
    '/r/up': { type: 'symlink', target: '../../../../etc' },
    '/r/loop': { type: 'symlink', target: 'loop' },
    '/r/file': 'x',
  },
});

describe('resolveInRoot', () => {
  it('resolves plain and relative-symlink paths', () => {
    expect(resolveInRoot(sys, '/r', '/etc/passwd')).toEqual({ hostPath: '/r/etc/passwd', missing: [], type: 'file' });
    expect(resolveInRoot(sys, '/r', '/bin/sh').hostPath).toBe('/r/usr/bin/sh');
  });

  it('keeps absolute symlinks and .. inside the root', () => {
    expect(resolveInRoot(sys, '/r', '/escape/passwd').hostPath).toBe('/r/etc/passwd');
    expect(resolveInRoot(sys, '/r', '/up/passwd').hostPath).toBe('/r/etc/passwd');
    expect(resolveInRoot(sys, '/r', '/../../etc/passwd').hostPath).toBe('/r/etc/passwd');
  });

  it('returns the components still missing', () => {
    expect(resolveInRoot(sys, '/r', '/escape/new/dir')).toEqual({
      hostPath: '/r/etc/new/dir',
      missing: ['new', 'dir'],
      type: undefined,
    });
  });

  it('fails on symlink loops and on files used as directories', () => {
    expect(() => resolveInRoot(sys, '/r', '/loop/x')).toThrow('ELOOP');
    expect(() => resolveInRoot(sys, '/r', '/file/x')).toThrow('ENOTDIR');
  });
});
