// Typed cgroup statistics and the parsers of the cgroupfs formats they come from.
import { join } from 'node:path';
import type { CgroupFiles } from './cgroup-files.js';

export type FreezerState = 'THAWED' | 'FREEZING' | 'FROZEN';

export interface BlkioEntry {
  readonly major: number;
  readonly minor: number;
  /** 'Read', 'Write', 'Sync', 'Async', 'Discard' or 'Total' (v1 names; v2's rbytes/wbytes/dbytes map to Read/Write/Discard). */
  readonly op: string;
  readonly value: number;
}

export interface CgroupStats {
  readonly memory: {
    /** Bytes in use now. */
    readonly usage: number;
    /** Highest usage seen (v2: memory.peak, 0 on kernels without it). */
    readonly maxUsage: number;
    /** Bytes, or 'max' for no limit (v1's page-rounded 2^63 included). */
    readonly limit: number | 'max';
    /** memory.stat, as read. */
    readonly stat: Readonly<Record<string, number>>;
  };
  readonly cpu: {
    /** CPU time used, ns. */
    readonly usageTotal: number;
    /** ns per CPU (v1 cpuacct.usage_percpu; empty on v2, which has no per-cpu counter). */
    readonly usagePerCpu: readonly number[];
    readonly throttling: {
      readonly periods: number;
      readonly throttledPeriods: number;
      /** ns. */
      readonly throttledTime: number;
    };
  };
  readonly pids: { readonly current: number; readonly limit: number | 'max' };
  readonly blkio: { readonly ioServiceBytesRecursive: readonly BlkioEntry[] };
  readonly freezer: FreezerState;
}

/** The file's text, or undefined when it (or its controller) is missing. */
export function readOptional(files: CgroupFiles, dir: string | undefined, file: string): string | undefined {
  if (dir === undefined) return undefined;
  try {
    return files.read(join(dir, file));
  } catch {
    return undefined;
  }
}

/** A number file; 0 when missing or not a number. */
export function parseNumber(text: string | undefined): number {
  const value = Number((text ?? '').trim());
  return Number.isFinite(value) ? value : 0;
}

/** v1 writes "no limit" as a page-rounded 2^63 − 1, v2 as "max". */
const UNLIMITED_V1 = 2 ** 62;

/** A limit file: a number, or 'max' for none (and when missing). */
export function parseLimit(text: string | undefined): number | 'max' {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed === 'max') return 'max';
  const value = Number(trimmed);
  return !Number.isFinite(value) || value >= UNLIMITED_V1 ? 'max' : value;
}

/** "key value" lines (memory.stat, cpu.stat) into a record. */
export function parseKeyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined) continue;
    const number = Number(value);
    if (Number.isFinite(number)) out[key] = number;
  }
  return out;
}

/** Space-separated numbers (cpuacct.usage_percpu). */
export function parseNumberList(text: string | undefined): number[] {
  return (text ?? '')
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);
}

/** v1 blkio `8:0 Read 4096` lines; the trailing `Total n` line (no device) is skipped. */
export function parseV1Blkio(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [device, op, value] = line.trim().split(/\s+/);
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (match === null || op === undefined || value === undefined) continue;
    out.push({ major: Number(match[1]), minor: Number(match[2]), op, value: Number(value) });
  }
  return out;
}

const V2_IO_OPS: Readonly<Record<string, string>> = { rbytes: 'Read', wbytes: 'Write', dbytes: 'Discard' };

/** v2 io.stat `8:0 rbytes=4096 wbytes=0 rios=1 …` lines, bytes only, in v1's op names. */
export function parseV2IoStat(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (match === null) continue;
    for (const pair of pairs) {
      const [key, value] = pair.split('=');
      const op = V2_IO_OPS[key ?? ''];
      if (op !== undefined) out.push({ major: Number(match[1]), minor: Number(match[2]), op, value: Number(value) });
    }
  }
  return out;
}

export function parseFreezerState(text: string | undefined): FreezerState {
  const state = (text ?? '').trim();
  return state === 'FROZEN' || state === 'FREEZING' ? state : 'THAWED';
}
