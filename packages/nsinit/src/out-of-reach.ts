// The container directory holds what lc trusts: container.json and the records of what
// it made (records.ts). A container that can reach it can rewrite its own config (a
// prestart hook run as host root, capabilities back) or a record (the next start
// deletes a host interface it names): so none of it may be inside the container — not
// as its rootfs (the 2014 default was the container directory itself), not as or below
// a bind mount's source.
import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ContainerModel } from '@lc/config-types';
import { ConfigurationError } from './errors.js';

export function checkDirectoryOutOfReach(dir: string, model: ContainerModel): void {
  const directory = realpath(dir);
  if (directory === undefined) return; // reported where the directory is used
  const rootfs = realpath(model.rootfs);
  const holds = (path: string) => path === directory || directory.startsWith(`${path}/`);
  if (rootfs !== undefined && holds(rootfs)) {
    throw new ConfigurationError(
      'rootfs',
      `${model.rootfs} holds the container directory ${directory}: the container could rewrite container.json and lc's records (give it a rootfs of its own, such as ${directory}/rootfs)`,
    );
  }
  for (const mount of model.mounts) {
    if (mount.kind !== 'bind') continue;
    const source = realpath(mount.source);
    if (source === undefined) continue; // reported by the mount itself
    // The directory itself, one above it, or one of its own files (container.json, a
    // record); a directory below it holds none of them.
    if (holds(source) || (dirname(source) === directory && !statSync(source).isDirectory())) {
      throw new ConfigurationError(
        'mounts',
        `a bind of ${mount.source} onto ${mount.destination} puts the container directory ${directory} (container.json and lc's records) inside the container`,
      );
    }
  }
}

function realpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
