import { describe, expect, it } from 'vitest';
import { conventionalLayout, mountedPath, parseLayout, parseProcessCgroups } from './layout.js';

const HYBRID_HERE = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

const V1_COMOUNTED = `25 19 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid shared:10 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup rw,cpu,cpuacct
30 25 0:27 / /sys/fs/cgroup/pids rw,nosuid shared:14 - cgroup cgroup rw,pids
`;

const PURE_V2 = `24 19 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe('parseLayout', () => {
  it('sees v1 controllers plus cgroup2 as hybrid', () => {
    const layout = parseLayout(HYBRID_HERE);
    expect(layout.kind).toBe('hybrid');
    expect(layout.v1.memory).toEqual({ mountPoint: '/sys/fs/cgroup/memory', root: '/' });
    expect(layout.v1['name=systemd']?.mountPoint).toBe('/sys/fs/cgroup/systemd');
    expect(layout.unified).toEqual({ mountPoint: '/sys/fs/cgroup/unified', root: '/' });
  });

  it('maps co-mounted controllers to one mount and skips non-controller options', () => {
    const layout = parseLayout(V1_COMOUNTED);
    expect(layout.kind).toBe('v1');
    expect(layout.v1.cpu).toEqual(layout.v1.cpuacct);
    expect(layout.v1.cpu?.mountPoint).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(Object.keys(layout.v1).sort()).toEqual(['cpu', 'cpuacct', 'name=systemd', 'pids']);
  });

  it('sees a lone cgroup2 as pure v2', () => {
    expect(parseLayout(PURE_V2)).toEqual({ kind: 'v2', v1: {}, unified: { mountPoint: '/sys/fs/cgroup', root: '/' } });
  });

  it('unescapes mount points and keeps a sub-tree root', () => {
    const layout = parseLayout('50 1 0:40 /lxc/c1 /my\\040cgroups rw - cgroup2 cgroup2 rw\n');
    expect(layout.unified).toEqual({ mountPoint: '/my cgroups', root: '/lxc/c1' });
  });
});

describe('parseProcessCgroups', () => {
  it('splits v1 hierarchies and the unified entry', () => {
    const self = parseProcessCgroups('9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/\n');
    expect(self).toEqual({
      v1: { 'name=systemd': '/', memory: '/process_api/abc', cpu: '/x', cpuacct: '/x' },
      unified: '/',
    });
  });
});

describe('mountedPath', () => {
  it('joins the mount point and the hierarchy path', () => {
    expect(mountedPath({ mountPoint: '/sys/fs/cgroup/memory', root: '/' }, '/process_api/abc')).toBe(
      '/sys/fs/cgroup/memory/process_api/abc',
    );
  });

  it('takes a bind-mounted root off the path', () => {
    expect(mountedPath({ mountPoint: '/sys/fs/cgroup', root: '/lxc/c1' }, '/lxc/c1/app')).toBe('/sys/fs/cgroup/app');
  });
});

describe('conventionalLayout', () => {
  it('puts v1 controllers under the root and cgroup2 at root/unified for hybrid', () => {
    const layout = conventionalLayout('/t', 'hybrid');
    expect(layout.v1.freezer?.mountPoint).toBe('/t/freezer');
    expect(layout.unified?.mountPoint).toBe('/t/unified');
  });
});
