// The veth strategy (2014 libcontainer's, run from the parent): a veth pair whose host
// end joins a bridge and whose peer is created directly in the container's network
// namespace, renamed eth0 there and given its address, MTU, MAC and default route.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Network, Route } from '@lc/config-types';
import { LcError } from '@lc/config-types';
import { SysError, type System } from '@lc/system';
import { openRtnetlink } from './netlink/index.js';

export interface VethNames {
  /** The host end: context.prefix (default "veth") and a random suffix. */
  readonly host: string;
  /** The peer's name until it is renamed eth0 inside (unique, so no clash there). */
  readonly peer: string;
}

const IFNAMSIZ = 15; // interface names: 15 characters and the NUL

/** Names for one veth network; recorded before anything is created, for cleanup. */
export function vethNames(network: Network): VethNames {
  const suffix = randomBytes(4).toString('hex');
  const prefix = (network.context.prefix ?? 'veth').slice(0, IFNAMSIZ - suffix.length - 1);
  return { host: `${prefix}${suffix}`, peer: `${prefix}${suffix}p`.slice(-IFNAMSIZ) };
}

export interface VethContainer {
  /** A pid in the container's network namespace, and a fd of that namespace. */
  readonly pid: number;
  readonly netns: number;
}

/**
 * Creates and configures the pair. `field` names the config entry for errors
 * (`networks[1]`). On failure the host end is removed again (which removes the peer).
 */
export function createVeth(sys: System, network: Network, names: VethNames, container: VethContainer, field: string): void {
  const host = openRtnetlink(sys);
  try {
    host.addVeth({
      name: names.host,
      ...(network.mtu ? { mtu: network.mtu } : {}),
      peer: { name: names.peer, netns: { pid: container.pid }, ...(network.mtu ? { mtu: network.mtu } : {}) },
    });
    try {
      const bridge = network.context.bridge;
      if (bridge) {
        try {
          host.setMaster(names.host, bridge);
        } catch (error) {
          if (SysError.isInstance(error) && error.code === 'ENODEV') {
            throw new LcError('CONFIG', `${field}.context.bridge: no such bridge ${JSON.stringify(bridge)}`);
          }
          throw error;
        }
      }
      if (network.hairpinMode) setHairpin(names.host, bridge, field);
      host.setUp(names.host);
      configureInside(sys, network, names, container.netns, field);
    } catch (error) {
      host.deleteLink(names.host);
      throw error;
    }
  } finally {
    host.close();
  }
}

/**
 * Hairpin mode on the host end's bridge port: traffic from the container to an address
 * the bridge maps back to the container (a published port) can return the same way.
 * Written through the port's sysfs file, which exists once the veth is a bridge port.
 */
function setHairpin(host: string, bridge: string | undefined, field: string): void {
  if (!bridge) throw new LcError('CONFIG', `${field}.hairpin_mode: needs a bridge (context.bridge)`);
  writeFileSync(`/sys/class/net/${host}/brport/hairpin_mode`, '1');
}

/** The container's side, through a socket opened in its network namespace. */
function configureInside(sys: System, network: Network, names: VethNames, netns: number, field: string): void {
  const inside = openRtnetlink(sys, { netns });
  try {
    inside.rename(names.peer, 'eth0');
    if (network.macAddress) inside.setAddress('eth0', network.macAddress);
    if (network.address) {
      try {
        inside.addAddress('eth0', network.address);
      } catch (error) {
        throw new LcError('CONFIG', `${field}.address: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    inside.setUp('eth0');
    if (network.gateway) inside.addRoute({ gateway: network.gateway, device: 'eth0' });
  } finally {
    inside.close();
  }
}

/** The routes of container.json, added inside the container's network namespace. */
export function addRoutes(sys: System, routes: readonly Route[], netns: number): void {
  if (routes.length === 0) return;
  const inside = openRtnetlink(sys, { netns });
  try {
    for (const route of routes) {
      inside.addRoute({
        ...(route.destination ? { destination: route.destination } : {}),
        ...(route.gateway ? { gateway: route.gateway } : {}),
        ...(route.interfaceName ? { device: route.interfaceName } : {}),
      });
    }
  } finally {
    inside.close();
  }
}

/** Removes a host end (and with it the peer); one that is already gone is fine. */
export function removeVeth(sys: System, host: string): void {
  const nl = openRtnetlink(sys);
  try {
    nl.deleteLink(host);
  } catch (error) {
    if (!(SysError.isInstance(error) && error.code === 'ENODEV')) throw error;
  } finally {
    nl.close();
  }
}
