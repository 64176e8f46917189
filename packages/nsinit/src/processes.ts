// `nsinit ps`, as `runc ps`: the processes of the container a directory records. They
// are the processes in its pid namespace — found by comparing /proc/<pid>/ns/pid with
// PID 1's, which needs no cgroups — with their pid inside (the last NSpid) and command.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { LcError } from '@lc/config-types';
import { runningContainer } from './container-state.js';

export interface ContainerProcessInfo {
  /** Its pid on the host. */
  readonly pid: number;
  /** Its pid in the container (1 for the container's first process). */
  readonly containerPid: number;
  /** Its argv as /proc/<pid>/cmdline has it; for a kernel thread or a zombie, its name. */
  readonly command: readonly string[];
}

export function containerProcesses(dir: string): ContainerProcessInfo[] {
  const running = runningContainer(dir);
  if (!running) throw new LcError('NOT_RUNNING', `${dir}: no container is running there`);
  const namespace = pidNamespace(running.pid);
  if (namespace === undefined) throw new LcError('NOT_RUNNING', `${dir}: the container exited`);
  const found: ContainerProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    // A process may exit between the listing and the reads: it is then left out.
    if (pidNamespace(pid) !== namespace) continue;
    const info = describe(pid);
    if (info) found.push(info);
  }
  return found.sort((a, b) => a.containerPid - b.containerPid);
}

function pidNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function describe(pid: number): ContainerProcessInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const nspids = status.match(/^NSpid:\s*(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    const name = status.match(/^Name:\s*(.*)$/m)?.[1] ?? '?';
    return { pid, containerPid: Number(nspids.at(-1) ?? pid), command: argv.length > 0 ? argv : [`[${name}]`] };
  } catch {
    return undefined;
  }
}
