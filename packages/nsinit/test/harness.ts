// Shared by the real-kernel tests of @lc/nsinit and of the nsinit CLI: throw-away
// container directories, a CLI runner, and a snapshot of what a container could
// leave behind on the host (mounts, processes, network devices, its pid record).
import { createHook } from 'node:async_hooks';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startContainer } from '@lc/nsinit';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { createHostRootfs } from '../src/host-rootfs.js';

/** The built CLI: the tests run what a user runs. */
export const CLI = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));

const created = new Set<string>();

/**
 * A fresh container directory (container.json + rootfs/ reusing the host's /usr),
 * with `overrides` merged over the top level of container.json.
 */
export async function makeContainerDir(overrides: Record<string, unknown> = {}): Promise<string> {
  // realpath: tmpdir() may be a symlink, and the container's mounts name real paths.
  const dir = await mkdtemp(join(realpathSync(tmpdir()), 'lc-test-'));
  created.add(dir);
  await createHostRootfs(dir);
  if (Object.keys(overrides).length > 0) await updateConfig(dir, overrides);
  return dir;
}

/** Shallow-merges `overrides` into dir/container.json. */
export async function updateConfig(dir: string, overrides: Record<string, unknown>): Promise<void> {
  const file = join(dir, 'container.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, `${JSON.stringify({ ...config, ...overrides }, null, 2)}\n`);
}

/** The container.json createHostRootfs wrote, for overrides that extend a list of it. */
export async function readConfig(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'container.json'), 'utf8')) as Record<string, unknown>;
}

/**
 * Removes a container directory. Only call it once the container has exited: its
 * mounts live in its own mount namespace, so the host sees none under `dir` — and
 * if it ever does, this refuses rather than delete through a bind mount into /usr.
 */
export async function removeContainerDir(dir: string): Promise<void> {
  const mounted = hostMountPoints().filter((point) => point === dir || point.startsWith(`${dir}/`));
  if (mounted.length > 0) throw new Error(`${dir}: still has mounts on the host: ${mounted.join(', ')}`);
  created.delete(dir);
  // fs.rm does not follow symlinks (rootfs/bin -> usr/bin, or a test's link to /etc).
  await rm(dir, { recursive: true, force: true });
}

/** Removes every directory makeContainerDir made and no test removed (afterAll). */
export async function removeAllContainerDirs(): Promise<void> {
  for (const dir of [...created]) await removeContainerDir(dir);
}

/**
 * The usual frame of a suite: a fresh container directory before each test (handed to
 * `use`), and after it the leak check and the directory's removal.
 */
export function withContainerDirs(use: (dir: string) => void, overrides: Record<string, unknown> = {}): void {
  let before: HostSnapshot;
  let dir: string;
  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir(overrides);
    use(dir);
  });
  afterEach(async () => {
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });
  afterAll(removeAllContainerDirs);
}

// --- the CLI ---------------------------------------------------------------------

export interface CliResult {
  /** The exit code, null when a signal ended the CLI itself. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to the CLI's stdin, which is then closed. Absent: stdin stays open as a pipe. */
  readonly input?: string;
  readonly env?: Record<string, string>;
}

export interface StartedCli {
  readonly child: ChildProcess;
  /** Everything written so far, and the full output once `result` resolves. */
  readonly output: { stdout: string; stderr: string };
  readonly result: Promise<CliResult>;
}

/** Starts `nsinit [-r dir] args...` with a minimal environment (each variable costs start-up). */
export function startCli(dir: string | undefined, args: readonly string[], options: CliOptions = {}): StartedCli {
  const argv = dir === undefined ? [CLI, ...args] : [CLI, '-r', dir, ...args];
  const child = spawn(process.execPath, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // The executor under test, when the suite runs once per executor.
      ...(process.env.LC_EXECUTOR ? { LC_EXECUTOR: process.env.LC_EXECUTOR } : {}),
      ...options.env,
    },
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  // A container that exits without reading its stdin must not fail the test with EPIPE.
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    // 'close': the process is reaped and its stdout and stderr are drained.
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, output, result };
}

export function runCli(dir: string | undefined, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const started = startCli(dir, args, { input: '', ...options });
  return started.result;
}

/** Resolves once `stream` has carried `text` (the container says it is ready); no sleeping. */
export function waitForOutput(stream: Readable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        done();
        resolve();
      }
    };
    const onEnd = () => {
      done();
      reject(new Error(`stream ended before ${JSON.stringify(text)}; got ${JSON.stringify(seen)}`));
    };
    const done = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      // Without a listener a flowing stream drops what comes next: hold it for the next reader.
      if (stream.listenerCount('data') === 0) stream.pause();
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.resume(); // after an earlier wait paused it
  });
}

/** Polls `condition` until it holds or `timeoutMs` passes (a deadline, not a sleep to sync on). */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// --- processes -------------------------------------------------------------------

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined when it is gone. */
export function startTimeOf(pid: number): string | undefined {
  const fields = statFields(pid);
  return fields?.[22 - 3];
}

export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  // A zombie has exited; only its parent's wait is missing.
  return fields !== undefined && fields[0] !== 'Z';
}

/** Fields 3.. of /proc/<pid>/stat (the comm in field 2 may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Every process below `root` in the host's process tree. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found.sort((a, b) => a - b);
}

// --- running containers ------------------------------------------------------------

/** Everything a stream gives until its end ('' for none). */
export async function readAll(stream: NodeJS.ReadableStream | null): Promise<string> {
  let all = '';
  for await (const chunk of stream ?? []) all += chunk;
  return all;
}

/** Runs a shell script as a new container of `dir` to its exit, with its output. */
export async function runScript(dir: string, script: string) {
  const container = await startContainer({ dir, args: ['sh', '-c', script], stdio: ['ignore', 'pipe', 'pipe'] });
  const [stdout, stderr] = await Promise.all([readAll(container.stdout), readAll(container.stderr)]);
  return { ...(await container.exited), stdout, stderr };
}

// --- the host's state --------------------------------------------------------------

export interface HostSnapshot {
  /** "mountpoint fstype" per line of the host's /proc/self/mountinfo, sorted (ids change). */
  readonly mountinfo: string;
  /** Processes below this test process. */
  readonly children: readonly number[];
  /** Network devices of the host's network namespace. */
  readonly netdevs: readonly string[];
  /** Cgroup directories (two levels below each hierarchy's root and our own cgroup). */
  readonly cgroups: readonly string[];
}

/**
 * This process's own cgroup directory in each hierarchy where it is not the root. Its
 * siblings are other jobs' cgroups (a job runner may make one per command, and remove
 * it): they come and go during a test, and are none of lc's doing.
 */
function ownCgroupDirectories(): Set<string> {
  const own = new Set<string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers === undefined || path === undefined || path === '/') continue;
    // v1: a directory per controller (name=systemd: systemd); v2: unified (hybrid) or the root.
    const hierarchies = controllers === '' ? ['unified', ''] : controllers.split(',').map((name) => name.replace(/^name=/, ''));
    for (const hierarchy of hierarchies) {
      const dir = join('/sys/fs/cgroup', hierarchy, path);
      if (existsSync(dir)) own.add(dir);
    }
  }
  return own;
}

/** The cgroup directories near the top of every hierarchy, and below our own cgroup. */
function cgroupDirectories(): string[] {
  const found: string[] = [];
  const own = ownCgroupDirectories();
  const withSiblings = new Set([...own].map((dir) => dirname(dir)));
  const walk = (dir: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (withSiblings.has(dir) && !own.has(path)) continue;
      found.push(path);
      if (depth < 3) walk(path, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found.sort();
}

function hostMountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountinfo(line.split(' ')[4] ?? ''));
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function hostSnapshot(): HostSnapshot {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-');
      return `${fields[4]} ${fields[separator + 1]}`;
    })
    .sort()
    .join('\n');
  return {
    mountinfo,
    children: descendantsOf(process.pid),
    netdevs: readdirSync('/sys/class/net').sort(),
    cgroups: cgroupDirectories(),
  };
}

/**
 * Asserts that the host is as `before` found it: no mount, process or network
 * device left over, and (given a container directory) no pid record in it. Call
 * it only after every container of the test has exited.
 */
export function expectNoLeaks(before: HostSnapshot, dir?: string): void {
  const after = hostSnapshot();
  expect(after.mountinfo, 'host mounts').toBe(before.mountinfo);
  const leftover = after.children.filter((pid) => !before.children.includes(pid) && isAlive(pid));
  expect(leftover.map(describeProcess), 'processes left behind').toEqual([]);
  expect(after.netdevs, 'host network devices').toEqual(before.netdevs);
  expect(after.cgroups, 'cgroup directories').toEqual(before.cgroups);
  if (dir !== undefined) {
    expect(existsSync(join(dir, 'pid')), `${dir}/pid left behind`).toBe(false);
    expect(existsSync(join(dir, 'start')), `${dir}/start left behind`).toBe(false);
  }
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`;
  } catch {
    return `${pid}`;
  }
}

/**
 * Counts the timers lc's own code (packages/nsinit) creates from now on and has not
 * cleared or fired yet. Not process.getActiveResourcesInfo(): vitest keeps timers of
 * its own that come and go while a test runs. Node marks a Timeout `_destroyed` as it
 * is cleared or fires (async_hooks' destroy event would come a tick later).
 */
export function trackLcTimers(): { active(): number; stop(): void } {
  const timers: { readonly _destroyed?: boolean }[] = [];
  const ours = /\/packages\/nsinit\/(dist|src)\//;
  const hook = createHook({
    init(_asyncId, type, _trigger, resource) {
      if (type === 'Timeout' && ours.test(new Error().stack ?? '')) timers.push(resource as { _destroyed?: boolean });
    },
  }).enable();
  return { active: () => timers.filter((timer) => timer._destroyed !== true).length, stop: () => hook.disable() };
}
