import type { Cgroup } from '@lc/config-types';
import { CgroupError } from './cgroup-error.js';

function checkSegment(field: 'name' | 'parent', value: string, segment: string): void {
  if (segment === '.' || segment === '..') {
    throw new CgroupError('CGROUP', `cgroups.${field}: ${JSON.stringify(value)} has a "${segment}" component`);
  }
}

/**
 * `<parent>/<name>`, the container's path below this process's own cgroup. `parent` may
 * have several levels; neither may climb out with "..".
 */
export function cgroupRelativePath(cgroup: Pick<Cgroup, 'name' | 'parent'>): string {
  const { name, parent } = cgroup;
  if (name === '' || name.includes('/')) {
    throw new CgroupError('CGROUP', `cgroups.name: ${JSON.stringify(name)} is not a single path component`);
  }
  checkSegment('name', name, name);
  const parents = parent.split('/').filter((s) => s !== '');
  for (const segment of parents) checkSegment('parent', parent, segment);
  return [...parents, name].join('/');
}
