import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from '@lc/config-types';
import { nodeCgroupFiles } from './cgroup-files.js';
import { conventionalLayout, type Layout, readLayout } from './layout.js';
import type { CgroupManager, CgroupManagerOptions } from './manager.js';
import { V1Manager } from './v1-manager.js';
import { V2Manager } from './v2-manager.js';

function resolveLayout(options: CgroupManagerOptions): Layout {
  const { layout, root } = options;
  if (typeof layout === 'object') return layout;
  if (root === undefined) return readLayout();
  const files = options.files ?? nodeCgroupFiles;
  return conventionalLayout(root, layout ?? (files.exists(join(root, 'cgroup.controllers')) ? 'v2' : 'v1'));
}

/**
 * A manager for `cgroup` on this host (or the cgroupfs under `options.root`): V1Manager on
 * v1 and hybrid hosts (a hybrid host's cgroup2 has no controllers to limit with),
 * V2Manager on pure v2. Nothing is touched until create().
 */
export function createCgroupManager(cgroup: Cgroup, options: CgroupManagerOptions = {}): CgroupManager {
  const layout = resolveLayout(options);
  const context = {
    cgroup,
    layout,
    selfCgroup:
      options.selfCgroup ?? (options.root === undefined ? readFileSync('/proc/self/cgroup', 'utf8') : ''),
    devices: options.devices ?? [],
    attachDevices: options.attachDevices,
    created: options.created ?? [],
    freezeTimeoutMs: options.freezeTimeoutMs ?? 5000,
    files: options.files ?? nodeCgroupFiles,
  };
  return layout.kind === 'v2' ? new V2Manager(context) : new V1Manager(context);
}
