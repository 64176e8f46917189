import type { Mount } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { PlannedTree } from './planned-tree.js';
import { builder, show, testModel, testSystem } from './test-support.js';
import { userMountSteps } from './user-mounts.js';

const HOST = {
  '/srv/data': { type: 'directory' },
  '/srv/config.json': '{}',
  '/srv/link': { type: 'symlink', target: 'config.json' },
} as const;

function plan(mounts: Mount[], extra: Parameters<typeof testSystem>[0] = {}): string {
  const b = builder();
  const sys = testSystem({ ...HOST, ...extra });
  userMountSteps(b, testModel({ mounts }), sys, new PlannedTree(sys));
  return show(b);
}

const bind = (destination: string, more: Partial<Mount> = {}): Mount => ({
  kind: 'bind',
  source: '/srv/data',
  destination,
  readonly: false,
  private: false,
  ...more,
});

describe('userMountSteps', () => {
  it('binds read-write', () => {
    expect(plan([bind('/tmp')])).toMatchInlineSnapshot(`
      "
      0  mount("/srv/data", "/r/tmp", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/data on /r/tmp
      "
    `);
  });

  it('binds read-only with a second, remount step', () => {
    expect(plan([bind('/tmp', { readonly: true })])).toMatchInlineSnapshot(`
      "
      0  mount("/srv/data", "/r/tmp", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/data on /r/tmp
      1  mount(NULL, "/r/tmp", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)  # remount /r/tmp read-only
      "
    `);
  });

  it("repeats the source mount's nosuid and nodev on the read-only remount", () => {
    const b = builder();
    const sys = testSystem(HOST, { '/srv/data': 0x2 | 0x4 });
    userMountSteps(b, testModel({ mounts: [bind('/tmp', { readonly: true })] }), sys, new PlannedTree(sys));
    expect(show(b)).toContain('mount(NULL, "/r/tmp", NULL, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_REMOUNT|MS_BIND, NULL)');
  });

  it('makes a private bind recursively private', () => {
    expect(plan([bind('/tmp', { private: true })])).toMatchInlineSnapshot(`
      "
      0  mount("/srv/data", "/r/tmp", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/data on /r/tmp
      1  mount(NULL, "/r/tmp", NULL, MS_REC|MS_PRIVATE, NULL)  # make /r/tmp private
      "
    `);
  });

  it('mounts a tmpfs with its data, read-only when asked', () => {
    expect(
      plan([{ kind: 'tmpfs', source: 'tmpfs', destination: '/tmp', readonly: true, private: false, data: 'size=64m' }]),
    ).toMatchInlineSnapshot(`
      "
      0  mount("tmpfs", "/r/tmp", "tmpfs", MS_RDONLY|MS_NOSUID|MS_NODEV, "size=64m")  # mount tmpfs on /r/tmp
      "
    `);
  });

  it('creates a missing target, parents first', () => {
    expect(plan([bind('/var/lib/data')])).toMatchInlineSnapshot(`
      "
      0  mkdirat(AT_FDCWD, "/r/var", 0755)  # mkdir /r/var
      1  mkdirat(AT_FDCWD, "/r/var/lib", 0755)  # mkdir /r/var/lib
      2  mkdirat(AT_FDCWD, "/r/var/lib/data", 0755)  # mkdir /r/var/lib/data
      3  mount("/srv/data", "/r/var/lib/data", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/data on /r/var/lib/data
      "
    `);
  });

  it('resolves a target through a symlink inside the rootfs, not the host', () => {
    const out = plan([bind('/data/x')], { '/r/data': { type: 'symlink', target: '/etc' } });
    expect(out).toContain('mkdirat(AT_FDCWD, "/r/etc/x", 0755)');
    expect(out).toContain('mount("/srv/data", "/r/etc/x", NULL, MS_BIND|MS_REC, NULL)');
    expect(out).not.toMatch(/"\/etc/);
  });

  it('keeps ../../.. inside the rootfs', () => {
    const out = plan([bind('/../../../etc')]);
    expect(out).toContain('mount("/srv/data", "/r/etc", NULL, MS_BIND|MS_REC, NULL)');
  });

  it('keeps a relative symlink climbing out inside the rootfs', () => {
    const out = plan([bind('/tmp/up/etc')], { '/r/tmp/up': { type: 'symlink', target: '../../../..' } });
    expect(out).toContain('mount("/srv/data", "/r/etc", NULL, MS_BIND|MS_REC, NULL)');
  });

  it('creates an empty file to bind a file onto', () => {
    expect(plan([bind('/etc/config.json', { source: '/srv/config.json' })])).toMatchInlineSnapshot(`
      "
      0  openat(AT_FDCWD, "/r/etc/config.json", O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644) = $target-fd-0  # create /r/etc/config.json
      1  close($target-fd-0)  # close /r/etc/config.json
      2  mount("/srv/config.json", "/r/etc/config.json", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/config.json on /r/etc/config.json
      "
    `);
  });

  it('follows a symlinked source to decide file or directory', () => {
    const out = plan([bind('/etc/app.json', { source: '/srv/link' })]);
    expect(out).toContain('openat(AT_FDCWD, "/r/etc/app.json"');
  });

  it('names the field when the source is missing', () => {
    expect(() => plan([bind('/tmp'), bind('/x', { source: '/srv/nope' })])).toThrow(
      'mounts[1].source: /srv/nope: no such file or directory',
    );
  });

  it('names the field when the target cannot be resolved', () => {
    expect(() => plan([bind('/etc/passwd/x')])).toThrow(/^mounts\[0\]\.destination: \/etc\/passwd\/x: .*ENOTDIR/);
  });
});
