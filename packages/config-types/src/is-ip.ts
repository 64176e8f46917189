// `isIP` of node:net, loaded on first use. Loading node:net costs ~2 ms of start-up (it
// pulls in streams), and only a config with networks or routes has an address to check.
import { createRequire } from 'node:module';

type IsIP = (input: string) => number;

let netIsIP: IsIP | undefined;

/** 4 or 6 for an IPv4 or IPv6 address, 0 otherwise: Node's own check, loaded lazily. */
export function isIP(value: string): number {
  netIsIP ??= (createRequire(import.meta.url)('node:net') as { isIP: IsIP }).isIP;
  return netIsIP(value);
}
