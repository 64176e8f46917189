// The container's veth networks, made by the parent (DESIGN.md: no Node code runs in
// the container for networking): the host ends' names are recorded in the container
// directory before the pairs exist, the pairs are made and configured while the
// container's process waits on the sync pipe, and removed after it exited.
import type { ContainerModel } from '@lc/config-types';
import { addRoutes, createVeth, openRtnetlink, removeVeth, type VethNames, vethNames } from '@lc/network';
import { SysError, type System } from '@lc/system';
import { faultPoint } from './fault-injection.js';
import { forgetRecord, readJsonRecord, recordError, writeRecord } from './records.js';

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

/**
 * Removes the host ends an nsinit that died recorded — each only once it is checked to
 * be one: a veth link named as the config's veth networks name theirs (`model`, when
 * the config could be read). A record naming anything else is an error; nothing is
 * removed then.
 */
export function removeLeftNetworks(dir: string, sys: System, model: ContainerModel | undefined): void {
  const hosts = readJsonRecord(dir, RECORD);
  if (hosts === undefined) return;
  const fail = (reason: string) => recordError(dir, RECORD, reason);
  if (!Array.isArray(hosts)) throw fail('not a list of veths');
  const names = hosts.map((host) => {
    if (typeof host !== 'string' || (model && !namedByConfig(host, model))) {
      throw fail(`names ${JSON.stringify(host)}, not a veth this container's config makes`);
    }
    return host;
  });
  const present = names.filter((name) => {
    const kind = linkKind(sys, name);
    if (kind !== undefined && kind !== 'veth') throw fail(`names ${name}, a ${kind} link, not a veth`);
    return kind !== undefined;
  });
  for (const host of present) removeVeth(sys, host);
  forget(dir);
}

/** The host end's name as vethNames makes it for one of the config's veth networks. */
function namedByConfig(host: string, model: ContainerModel): boolean {
  return model.networks.some((network) => {
    if (network.type !== 'veth') return false;
    const prefix = vethNames(network).host.slice(0, -8);
    return host.length === prefix.length + 8 && host.startsWith(prefix) && /^[0-9a-f]{8}$/.test(host.slice(prefix.length));
  });
}

/** IFLA_INFO_KIND of a host link ('device' for one without), or undefined if there is none. */
function linkKind(sys: System, name: string): string | undefined {
  const nl = openRtnetlink(sys);
  try {
    return nl.link(name).kind ?? 'device';
  } catch (error) {
    if (SysError.isInstance(error) && error.code === 'ENODEV') return undefined;
    throw error;
  } finally {
    nl.close();
  }
}

function record(dir: string, hosts: readonly string[]): void {
  writeRecord(dir, RECORD, `${JSON.stringify(hosts)}\n`);
}

function forget(dir: string): void {
  forgetRecord(dir, RECORD);
}
