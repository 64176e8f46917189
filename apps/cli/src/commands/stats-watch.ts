// nsinit stats --watch: a live table of the running container's usage, like
// `docker stats`, refreshed every second until the container exits or SIGINT.
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { type CgroupStats, containerEvents, containerStats } from '@lc/nsinit';

const REFRESH_MS = 1000;
const COLUMNS = ['CONTAINER', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS'] as const;
const WIDTHS = [16, 8, 22, 8, 6] as const;
// Home, then clear the screen: the table is redrawn in place on a terminal.
const REDRAW = '\x1b[H\x1b[2J';

export interface Sample {
  readonly stats: CgroupStats;
  /** performance.now() when it was read, ms. */
  readonly at: number;
}

export interface Machine {
  readonly cpus: number;
  /** Bytes: the limit shown for a container without a memory limit. */
  readonly memory: number;
}

export async function statsWatchCommand(dir: string): Promise<number> {
  const name = basename(dir);
  const machine: Machine = { cpus: cpus().length || 1, memory: totalmem() };
  const tty = process.stdout.isTTY === true;
  let previous: Sample = { stats: await containerStats(dir), at: performance.now() };
  if (!tty) process.stdout.write(`${formatRow(COLUMNS)}\n`);
  await untilInterrupted(async (signal) => {
    for await (const event of containerEvents(dir, { statsIntervalMs: REFRESH_MS, signal })) {
      if (event.type !== 'stats') continue;
      const current: Sample = { stats: event.data, at: performance.now() };
      const row = formatRow(statsRow(name, previous, current, machine));
      process.stdout.write(tty ? `${REDRAW}${formatRow(COLUMNS)}\n${row}\n` : `${row}\n`);
      previous = current;
    }
  });
  return 0;
}

/**
 * The table's cells for one refresh. CPU %: CPU time used between the two samples over
 * the wall time between them, as a share of all the machine's CPUs.
 */
export function statsRow(name: string, previous: Sample, current: Sample, machine: Machine): string[] {
  const wallNs = (current.at - previous.at) * 1e6;
  const usedNs = Math.max(0, current.stats.cpu.usageTotal - previous.stats.cpu.usageTotal);
  const cpu = wallNs > 0 ? (usedNs / wallNs / machine.cpus) * 100 : 0;
  const { usage, limit } = current.stats.memory;
  const memLimit = limit === 'max' ? machine.memory : Math.min(limit, machine.memory);
  const mem = memLimit > 0 ? (usage / memLimit) * 100 : 0;
  return [name, `${cpu.toFixed(2)}%`, `${formatBytes(usage)} / ${formatBytes(memLimit)}`, `${mem.toFixed(2)}%`, String(current.stats.pids.current)];
}

export function formatRow(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(WIDTHS[i] ?? 0))).join('   ');
}

/** docker's binary units: 0B, 512KiB, 1.5MiB, 16MiB, 2GiB (at most two decimals). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(2))}${units[unit]}`;
}

/** Runs `body` with a signal that SIGINT aborts: Ctrl-C ends a watch cleanly (exit 0). */
export async function untilInterrupted(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    await body(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
