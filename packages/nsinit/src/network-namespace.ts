// The netns strategy (2014): the container joins an existing network namespace, named
// by a path (`context.nspath`, e.g. /var/run/netns/blue), instead of getting a new one.
import { openSync } from 'node:fs';
import type { ContainerModel } from '@lc/config-types';
import { ConfigurationError } from './errors.js';

/** The path of the network namespace to join, when the config has a netns network. */
export function joinedNetworkNamespace(model: ContainerModel): { path: string; field: string } | undefined {
  const index = model.networks.findIndex((network) => network.type === 'netns');
  if (index === -1) return undefined;
  const path = model.networks[index]!.context.nspath;
  const field = `networks[${index}].context.nspath`;
  if (!path?.startsWith('/')) throw new ConfigurationError(field, 'an absolute path to a network namespace is required');
  return { path, field };
}

/** Opens it for the plan's setns (close-on-exec: libuv opens every fd so). */
export function openJoinedNetworkNamespace(model: ContainerModel): number | undefined {
  const joined = joinedNetworkNamespace(model);
  if (!joined) return undefined;
  try {
    return openSync(joined.path, 'r');
  } catch (error) {
    throw new ConfigurationError(joined.field, `${joined.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
