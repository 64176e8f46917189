// Timing primitives. Every duration is wall time on the benchmark's own event loop,
// from just before the spawn (or startContainer call) to the child's exit event, so
// the runtimes pay the same Node spawn and wait overhead.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TIMEOUT_MS = 60_000;

/** Runs a program to its exit. */
export function timeSpawn(file, args, env = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: 'ignore', env, timeout: TIMEOUT_MS });
    child.once('error', (error) => resolve({ ok: false, ms: Number.NaN, why: error.message }));
    child.once('exit', (code, signal) => {
      const ms = elapsed(t0);
      const ok = code === 0;
      resolve({ ok, ms, why: ok ? '' : signal ? `killed by ${signal}` : `exit ${code}` });
    });
  });
}

/** One container through the library: startContainer, then its exit. */
export async function timeContainer(startContainer, options) {
  const t0 = process.hrtime.bigint();
  try {
    const container = await startContainer(options);
    const status = await container.exited;
    const ms = elapsed(t0);
    const ok = status.exitCode === 0;
    return { ok, ms, why: ok ? '' : `exit ${status.exitCode}` };
  } catch (error) {
    return { ok: false, ms: Number.NaN, why: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

// A turn of the event loop longer than this counts as the main thread being blocked;
// an idle turn of the probe below takes a few microseconds.
const BLOCKED_MS = 0.05;

/**
 * How long `run` kept the main thread from turning the event loop: a setImmediate
 * probe notes every gap between its turns above BLOCKED_MS. (Event-loop utilisation
 * cannot say: libuv counts a wait for SIGCHLD as busy.) The probe spins one core, so
 * this runs apart from the timed runs.
 */
export async function blockedDuring(run) {
  let last = performance.now();
  let totalMs = 0;
  let longestMs = 0;
  let probing = true;
  const note = () => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    if (gap > BLOCKED_MS) {
      totalMs += gap;
      longestMs = Math.max(longestMs, gap);
    }
  };
  const probe = () => {
    if (!probing) return;
    note();
    setImmediate(probe);
  };
  setImmediate(probe);
  const result = await run();
  note();
  probing = false;
  return { ...result, totalMs, longestMs };
}

/**
 * `count` runs of `runOne(worker)` with `concurrency` in flight (worker = 0..c-1, each
 * worker strictly sequential), as containers per second over the whole batch. Only
 * containers that ran count: a start that fails fast must not raise the rate.
 */
export async function throughput(count, concurrency, runOne) {
  let started = 0;
  let failed = 0;
  const whys = [];
  const t0 = process.hrtime.bigint();
  const worker = async (index) => {
    while (started < count) {
      started++;
      const result = await runOne(index);
      if (!result.ok) {
        failed++;
        whys.push(result.why);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const seconds = elapsed(t0) / 1000;
  return { perSecond: (count - failed) / seconds, seconds, failed, whys };
}

/**
 * Peak RSS in KiB as GNU time reports it (%M = ru_maxrss from wait4): the largest
 * resident set of the process and of every descendant it waited for, not their sum.
 */
export function peakRss(timeBin, outFile, file, args) {
  rmSync(outFile, { force: true });
  const result = spawnSync(timeBin, ['-f', '%M', '-o', outFile, file, ...args], { stdio: 'ignore', env: {}, timeout: TIMEOUT_MS });
  if (result.status !== 0) return { ok: false, kib: Number.NaN, why: `exit ${result.status ?? result.signal}` };
  const kib = Number(readFileSync(outFile, 'utf8').trim().split('\n').at(-1));
  return { ok: Number.isFinite(kib), kib, why: '' };
}

export function stats(samples) {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, min: null, median: null, max: null };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, min: round(sorted[0]), median: round(median), max: round(sorted.at(-1)) };
}

export function round(value, digits = 2) {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function elapsed(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
