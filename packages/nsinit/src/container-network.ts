// The container's veth networks, made by the parent (DESIGN.md: no Node code runs in
// the container for networking): the host ends' names are recorded in the container
// directory before the pairs exist, the pairs are made and configured while the
// container's process waits on the sync pipe, and removed after it exited.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerModel } from '@lc/config-types';
import { addRoutes, createVeth, removeVeth, type VethNames, vethNames } from '@lc/network';
import type { System } from '@lc/system';
import { faultPoint } from './fault-injection.js';

const RECORD = 'network';

export interface ContainerNetworks {
  /** Makes and configures every veth network, and the config's routes, for `pid`'s netns. */
  create(pid: number): void;
  /** Removes the host ends (the kernel removes the peers with them). */
  remove(): void;
}

export function containerNetworks(dir: string, model: ContainerModel, sys: System): ContainerNetworks | undefined {
  const veths = model.networks.flatMap((network, index) => (network.type === 'veth' ? [{ network, index }] : []));
  if (veths.length === 0 && model.routes.length === 0) return undefined;
  const planned = veths.map(({ network, index }) => ({ network, field: `networks[${index}]`, names: vethNames(network) }));
  const made: VethNames[] = [];
  return {
    create(pid) {
      record(dir, planned.map(({ names }) => names.host));
      faultPoint('network-recorded');
      const netns = sys.openNamespace(pid, 'net');
      try {
        for (const { network, field, names } of planned) {
          createVeth(sys, network, names, { pid, netns }, field);
          made.push(names);
        }
        addRoutes(sys, model.routes, netns);
      } finally {
        sys.close(netns);
      }
    },
    remove() {
      for (const names of made.splice(0)) removeVeth(sys, names.host);
      forget(dir);
    },
  };
}

/** Removes the host ends an nsinit that died recorded. */
export function removeLeftNetworks(dir: string, sys: System): void {
  let hosts: string[];
  try {
    hosts = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as string[];
  } catch {
    return;
  }
  for (const host of hosts) removeVeth(sys, host);
  forget(dir);
}

function record(dir: string, hosts: readonly string[]): void {
  writeFileSync(join(dir, RECORD), `${JSON.stringify(hosts)}\n`);
}

function forget(dir: string): void {
  try {
    unlinkSync(join(dir, RECORD));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
