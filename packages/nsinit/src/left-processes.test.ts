import { readLayout } from '@lc/cgroups';
import { describe, expect, it } from 'vitest';
import { isContainerCgroup } from './left-processes.js';

const cgroup = { name: 'box', parent: 'lc/team' };

describe('isContainerCgroup', () => {
  const layout = readLayout();
  const mount = Object.values(layout.v1)[0] ?? layout.unified;

  it.skipIf(mount === undefined)('takes the configured parent/name below a cgroup mount, at any depth', () => {
    expect(isContainerCgroup(`${mount!.mountPoint}/lc/team/box`, cgroup)).toBe(true);
    expect(isContainerCgroup(`${mount!.mountPoint}/job/7/lc/team/box`, cgroup)).toBe(true);
  });

  it.skipIf(mount === undefined)('refuses any other directory a record could name', () => {
    const base = mount!.mountPoint;
    for (const leaf of [
      base,
      `${base}/lc/team`,
      `${base}/lc/team/other`,
      `${base}/x/../lc/team/box`,
      `${base}/lc/team/box/`,
      'lc/team/box',
      '/tmp/lc/team/box',
    ]) {
      expect(isContainerCgroup(leaf, cgroup), leaf).toBe(false);
    }
  });
});
