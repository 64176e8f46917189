// The host around the benchmark: what it must find before (root, the runtimes), the
// crun work-around applied only inside the benchmark's private mount namespace, and
// the check afterwards that nothing of the benchmark is left on the host.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './errors.mjs';

export const CONTROLLERS = '/sys/fs/cgroup/unified/cgroup.controllers';
export const MARK = 'lc-bench-';
const CGROUP_ID = 'lcb-';

/**
 * crun 1.8 refuses a hybrid host whose cgroup2 lists any controller ("cgroups in
 * hybrid mode not supported"); an empty file over the list satisfies it. Only ever
 * in a mount namespace of our own: the host's file must stay as it is.
 */
export function hideHybridControllers(emptyFile) {
  if (!existsSync(CONTROLLERS) || readFileSync(CONTROLLERS, 'utf8').trim() === '') return false;
  // The parent is the outer benchmark process, still in the host's namespace.
  if (readlinkSync('/proc/self/ns/mnt') === readlinkSync(`/proc/${process.ppid}/ns/mnt`)) {
    throw new BenchError('refusing to hide cgroup.controllers: not in a private mount namespace');
  }
  const result = spawnSync('mount', ['--bind', emptyFile, CONTROLLERS], { encoding: 'utf8' });
  if (result.status !== 0) throw new BenchError(`bind-mount an empty file over ${CONTROLLERS}: ${result.stderr.trim()}`);
  return true;
}

/** What the host looks like with respect to the benchmark: compared before and after. */
export function hostSnapshot() {
  return {
    controllers: existsSync(CONTROLLERS) ? readFileSync(CONTROLLERS, 'utf8') : null,
    mounts: readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((line) => line.includes(MARK) || line.includes(CONTROLLERS)),
    processes: benchProcesses(),
    cgroups: benchCgroups(),
  };
}

export function hostDifferences(before, after) {
  const problems = [];
  if (before.controllers !== after.controllers) problems.push(`${CONTROLLERS} changed`);
  const newMounts = after.mounts.filter((line) => !before.mounts.includes(line));
  if (newMounts.length) problems.push(`${newMounts.length} mount(s) left: ${newMounts[0]}`);
  const newProcesses = after.processes.filter((p) => !before.processes.includes(p));
  if (newProcesses.length) problems.push(`${newProcesses.length} process(es) left: ${newProcesses[0]}`);
  const newCgroups = after.cgroups.filter((p) => !before.cgroups.includes(p));
  if (newCgroups.length) problems.push(`${newCgroups.length} cgroup(s) left: ${newCgroups[0]}`);
  return problems;
}

function benchProcesses() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(MARK) || cmdline.includes(CGROUP_ID)) found.push(`${name} ${cmdline.trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** runc and crun name a container's cgroup after its id (lcb-<pid>-<n>). */
function benchCgroups() {
  const found = [];
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name.includes(CGROUP_ID)) found.push(path);
      else if (depth > 0) walk(path, depth - 1);
    }
  };
  if (existsSync('/sys/fs/cgroup') && statSync('/sys/fs/cgroup').isDirectory()) walk('/sys/fs/cgroup', 3);
  return found;
}
