import { SysError } from '@lc/system';
import { describe, expect, it } from 'vitest';
import { PlannedTree } from './planned-tree.js';
import { testSystem } from './test-support.js';

describe('PlannedTree', () => {
  it('answers from the disk until something is planned', () => {
    const tree = new PlannedTree(testSystem());
    expect(tree.lstat('/r/etc/passwd').type).toBe('file');
  });

  it('hides what a new mount covers', () => {
    const tree = new PlannedTree(testSystem());
    tree.mounted('/r/etc');
    expect(tree.lstat('/r/etc').type).toBe('directory');
    expect(() => tree.lstat('/r/etc/passwd')).toThrow(SysError);
  });

  it('shows a bind source below the target', () => {
    const tree = new PlannedTree(testSystem({ '/srv/a/link': { type: 'symlink', target: 'b' } }));
    tree.mounted('/r/tmp', '/srv/a');
    expect(tree.readlink('/r/tmp/link')).toBe('b');
  });

  it('sees entries created after a mount, but not before it', () => {
    const tree = new PlannedTree(testSystem());
    tree.created('/r/tmp/x', 'directory');
    tree.created('/r/dev/fd', 'symlink', '/proc/self/fd');
    tree.mounted('/r/tmp');
    tree.created('/r/tmp/y', 'file');
    expect(() => tree.lstat('/r/tmp/x')).toThrow(/ENOENT/);
    expect(tree.lstat('/r/tmp/y').type).toBe('file');
    expect(tree.view().readlink('/r/dev/fd')).toBe('/proc/self/fd');
  });
});
