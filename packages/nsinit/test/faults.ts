// Shared by the fault-injection tests (fault-walk, crash): a container that uses every
// part of a start, the bridge its veth plugs into, what a start may leave in its
// directory, and the processes a killed nsinit orphans.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Executor } from '@lc/nsinit';
import { linuxSystem, type Plan, syscallNumber } from '@lc/system';
import { expect } from 'vitest';
import {
  descendantsOf,
  expectNoLeaks,
  type HostSnapshot,
  isAlive,
  makeContainerDir,
  readConfig,
  updateConfig,
  waitUntil,
} from './harness.js';

/** A bridge of this test run's own (IFNAMSIZ: at most 15 characters). */
export const FAULT_BRIDGE = `lcfb${process.pid % 100000}`;
const SUBNET = '10.214.0';
const HOST_ROOT = 100000;

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`);
}

export function addBridge(): void {
  ip('link', 'add', FAULT_BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${SUBNET}.1/24`, 'dev', FAULT_BRIDGE);
  ip('link', 'set', FAULT_BRIDGE, 'up');
}

export function removeBridge(): void {
  ip('link', 'del', FAULT_BRIDGE);
}

/**
 * A container directory whose start uses every part of lc: bind and tmpfs mounts, an
 * extra device node, a veth on FAULT_BRIDGE, cgroups with limits, a user namespace (the
 * native executor only: a Node init cannot enter one), seccomp, a terminal, a user
 * other than root, sysctl, rlimits. `cgroupParent` names the cgroup parent it makes;
 * without `pidNamespace` it shares the host's pid namespace (and then needs no
 * `userNamespace`: proc can only be mounted by the owner of a pid namespace).
 */
export async function fullContainerDir(
  executor: Executor,
  cgroupParent: string,
  { pidNamespace = true, userNamespace = executor === 'native' } = {},
): Promise<string> {
  const dir = await makeContainerDir();
  // The remapped root (HOST_ROOT) needs search permission down to the rootfs.
  if (userNamespace) chmodSync(dir, 0o755);
  const { mounts } = await readConfig(dir);
  await updateConfig(dir, {
    tty: true,
    user: 'daemon',
    namespaces: {
      NEWNS: true,
      NEWUTS: true,
      NEWIPC: true,
      NEWNET: true,
      ...(pidNamespace ? { NEWPID: true } : {}),
      ...(userNamespace ? { NEWUSER: true } : {}),
    },
    ...(userNamespace
      ? {
          uid_mappings: [{ container_id: 0, host_id: HOST_ROOT, size: 65536 }],
          gid_mappings: [{ container_id: 0, host_id: HOST_ROOT, size: 65536 }],
        }
      : {}),
    mounts: [
      ...(mounts as object[]),
      { type: 'bind', source: 'rootfs/etc', destination: '/mnt' },
      { type: 'tmpfs', destination: '/run', data: 'size=1m' },
    ],
    device_nodes: [{ type: 'c', path: '/dev/fuse', major_number: 10, minor_number: 229 }],
    networks: [
      { type: 'loopback' },
      { type: 'veth', context: { prefix: 'lcf', bridge: FAULT_BRIDGE }, address: `${SUBNET}.2/24`, gateway: `${SUBNET}.1` },
    ],
    cgroups: { name: 'c', parent: cgroupParent, memory: 64 * 1024 * 1024, pids_limit: 64, cpu_shares: 256 },
    seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kexec_load'], action: 'SCMP_ACT_ERRNO' }] },
    sysctl: { 'net.ipv4.ip_forward': '1' },
    rlimits: [{ type: 'NOFILE', soft: 1024, hard: 1024 }],
  });
  return dir;
}

/**
 * Steps a run may never reach: the targets of a jump (fallbacks such as the next
 * candidate path of the exec), skipped once the step before them succeeded.
 */
export function fallbacks(plan: Plan): Set<number> {
  return new Set(plan.steps.flatMap((step) => (step.onError.policy === 'jump' ? [step.onError.to] : [])));
}

/** Network namespaces bound by name (`ip netns`): a netns left would be one of these, or a process's. */
function namedNetworkNamespaces(): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns').sort() : [];
}

export interface FaultSnapshot {
  readonly host: HostSnapshot;
  readonly netns: readonly string[];
}

/**
 * Nothing left: no mount, process, network device, cgroup directory or named netns
 * beyond `before`, and no record in the container directory (pid, start, cgroups,
 * network).
 */
export function expectNothingLeft(before: FaultSnapshot, dir: string, what: string): void {
  try {
    expectNoLeaks(before.host, dir);
    expect(namedNetworkNamespaces(), 'named network namespaces').toEqual(before.netns);
    expect(readdirSync(dir).sort(), 'the container directory').toEqual(['container.json', 'rootfs']);
  } catch (error) {
    // Which injected fault left it, in the first line vitest shows.
    if (error instanceof Error) error.message = `${what}: ${error.message}`;
    throw error;
  }
}

export function faultSnapshot(host: HostSnapshot): FaultSnapshot {
  return { host, netns: namedNetworkNamespaces() };
}

// --- orphans -------------------------------------------------------------------------

const sys = linuxSystem();
const PR_SET_CHILD_SUBREAPER = 36;

/**
 * Makes this process the reaper of its orphaned descendants: when a test SIGKILLs
 * nsinit, the container's processes become this process's children, so the leak check
 * (processes below this one) sees any that survive. Undone with `false`.
 */
export function adoptOrphans(adopt: boolean): void {
  sys.syscall('prctl', syscallNumber('prctl', sys.arch), [BigInt(PR_SET_CHILD_SUBREAPER), adopt ? 1n : 0n]);
}

/** This process's children (orphans adopted, and its own). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) found.push(Number(entry));
  }
  return found;
}

/**
 * Reaps the adopted orphans that have exited (zombies of this process: libuv reaps only
 * the children it spawned). `own` are pids child_process still follows: never reaped
 * here, or Node would never learn of their exit.
 */
export function reapOrphans(own: ReadonlySet<number>): void {
  for (const pid of childrenOf(process.pid)) {
    if (own.has(pid) || isAlive(pid)) continue;
    let pidfd: number;
    try {
      pidfd = sys.pidfdOpen(pid);
    } catch {
      continue; // reaped meanwhile
    }
    try {
      sys.reapPidfd(pidfd);
    } finally {
      sys.close(pidfd);
    }
  }
}

/** Waits (to a deadline) until no process below this one, other than `before` and `own`, is alive. */
export async function orphansGone(before: readonly number[], own: ReadonlySet<number>, what: string): Promise<void> {
  const left = () => descendantsOf(process.pid).filter((pid) => !before.includes(pid) && !own.has(pid) && isAlive(pid));
  await waitUntil(() => left().length === 0, 5000, `${what}: the processes ${left().join(', ')} to exit`);
}
