// Acting on the container a directory records, from any process: its cgroup stats,
// and pausing and resuming it through the freezer.
import type { CgroupManager, CgroupStats } from '@lc/cgroups';
import { LcError, loadContainerConfig } from '@lc/config-types';
import { type InterfaceStats, interfaceStats } from '@lc/network';
import { linuxSystem, type System } from '@lc/system';
import { containerCgroups } from './container-cgroups.js';
import { runningContainer } from './container-state.js';

async function cgroupsOf(dir: string, sys: System): Promise<CgroupManager> {
  const { model } = await loadContainerConfig(dir);
  if (!runningContainer(dir)) throw new LcError('NOT_RUNNING', `${dir}: no container is running there`);
  const cgroups = containerCgroups(model, sys);
  // The default cgroup (no "cgroups" in the config) only confines devices: no stats, no freezer.
  if (!cgroups || model.cgroup?.devicesOnly) {
    throw new LcError('NO_CGROUPS', `${dir}: the container has no cgroups (container.json has no "cgroups")`);
  }
  return cgroups;
}

export async function containerStats(dir: string, sys: System = linuxSystem()): Promise<CgroupStats> {
  return (await cgroupsOf(dir, sys)).stats();
}

/** rx/tx bytes, packets, errors and drops of each interface the container sees. */
export function containerNetworkStats(dir: string): Record<string, InterfaceStats> {
  const running = runningContainer(dir);
  if (!running) throw new LcError('NOT_RUNNING', `${dir}: no container is running there`);
  return interfaceStats(running.pid);
}

/** Freezes every process of the container; resolves once the kernel says frozen. */
export async function pauseContainer(dir: string, sys: System = linuxSystem()): Promise<void> {
  await (await cgroupsOf(dir, sys)).freeze();
}

export async function resumeContainer(dir: string, sys: System = linuxSystem()): Promise<void> {
  await (await cgroupsOf(dir, sys)).thaw();
}
