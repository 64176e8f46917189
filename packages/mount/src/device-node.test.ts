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
    expect(text).not.toContain('mknodat');
    expect(text).toContain('openat(AT_FDCWD, "/r/dev/null", O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644)');
    expect(text).toContain('mount("/dev/null", "/r/dev/null", NULL, MS_BIND, NULL)');
    expect(text).toContain('mount("/dev/fuse", "/r/dev/fuse", NULL, MS_BIND, NULL)');
  });

  it('gives devpts gid=5 only when the gid map holds 5', () => {
    expect(plan(USERNS)).toContain('"newinstance,ptmxmode=0666,mode=620,gid=5"');
    const unmapped = plan({ ...USERNS, gidMappings: [{ containerId: 0, hostId: 1000, size: 1 }] });
    expect(unmapped).toContain('"newinstance,ptmxmode=0666,mode=620"');
  });

  it('still makes nodes with mknod outside a user namespace', () => {
    expect(plan({})).toContain('mknodat(AT_FDCWD, "/r/dev/null", 020666, makedev(1, 3))');
  });
});
