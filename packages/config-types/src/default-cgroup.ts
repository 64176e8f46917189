// The cgroup of a container whose config has no `cgroups`, made when lc runs as root
// only so that the devices cgroup confines it: without one, container root could
// mknod a host disk and read it. runc gives every container a cgroup too.
import { basename, resolve } from 'node:path';
import type { Cgroup } from './model.js';

/**
 * `lc-<directory name>-<hash of its path>`, directly in lc's own cgroup (as runc puts a
 * container without a cgroups path at the top, by its id). No shared parent: parents
 * are removed by the container that made them, so one that containers started together
 * share would be left behind by whichever made it while another still used it. The
 * hash keeps two containers in directories of the same name (a/web, b/web) apart —
 * they would otherwise meet in one cgroup, and the first to exit could not remove it.
 */
export function defaultCgroup(containerDir: string): Cgroup {
  const dir = resolve(containerDir);
  return { name: `lc-${basename(dir)}-${fnv1a(dir)}`, parent: '', devicesOnly: true, deviceAccess: false };
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable tag, not a secret (node:crypto would cost start-up). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
