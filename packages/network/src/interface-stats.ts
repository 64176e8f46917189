// Per-interface counters of a network namespace, as /proc/<pid>/net/dev shows them to
// a process in it (the kernel prints the namespace of the pid it is read through).
import { readFileSync } from 'node:fs';

export interface InterfaceStats {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

/** /proc/net/dev text: two header lines, then `name: 8 receive and 8 transmit counters`. */
export function parseNetDev(text: string): Record<string, InterfaceStats> {
  const stats: Record<string, InterfaceStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const n = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    stats[line.slice(0, colon).trim()] = {
      rxBytes: n[0] ?? 0,
      rxPackets: n[1] ?? 0,
      rxErrors: n[2] ?? 0,
      rxDropped: n[3] ?? 0,
      txBytes: n[8] ?? 0,
      txPackets: n[9] ?? 0,
      txErrors: n[10] ?? 0,
      txDropped: n[11] ?? 0,
    };
  }
  return stats;
}

export function interfaceStats(pid: number): Record<string, InterfaceStats> {
  return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
}
