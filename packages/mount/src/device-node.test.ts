import type { ModelOverrides } from '@lc/config-types/testing';
import { describe, expect, it } from 'vitest';
import { rootfsSteps } from './rootfs.js';
import { builder, show, testModel, testSystem } from './test-support.js';

const USERNS: ModelOverrides = {
  namespaces: [{ kind: 'mount' }, { kind: 'user' }, { kind: 'pid' }, { kind: 'network' }],
  uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
  gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
};

function plan(overrides: ModelOverrides): string {
  const b = builder();
  rootfsSteps(b, testModel(overrides), testSystem());
  return show(b);
}

describe('device nodes in a user namespace', () => {
  it('binds the host nodes onto empty files instead of mknod, which the kernel refuses there', () => {
    const text = plan({
      ...USERNS,
      devices: [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' }],
    });
    expect(text).not.toMatch(/mknodat\(.*020/);
    expect(text).toContain('mknodat($dev, "null", 0100644, makedev(0, 0))');
    expect(text).toContain('open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = $source');
    expect(text).toContain('openat2($dev, "null", {flags=O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target');
    expect(text).toContain('mknodat($parent, "fuse", 0100644, makedev(0, 0))  [EEXIST ok]');
    expect(text).toContain('open_tree(AT_FDCWD, "/dev/fuse", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = $source');
    expect(text).toContain('openat2($rootfs, "/dev/fuse", ');
  });

  it('gives devpts gid=5 only when the gid map holds 5', () => {
    expect(plan(USERNS)).toContain('fsconfig($fs, FSCONFIG_SET_STRING, "gid", "5", 0)');
    const unmapped = plan({ ...USERNS, gidMappings: [{ containerId: 0, hostId: 1000, size: 1 }] });
    expect(unmapped).toContain('"ptmxmode", "0666"');
    expect(unmapped).not.toContain('"gid"');
  });

  it('still makes nodes with mknod outside a user namespace', () => {
    expect(plan({})).toContain('mknodat($dev, "null", 020666, makedev(1, 3))');
  });
});
