
import { hasNamespace, LcError, loadContainerConfig } from '@lc/config-types';
import { linuxSystem, type System } from '@lc/system';
import { cloneForked } from './clone-init.js';
import { joinRecordedCgroups } from './container-cgroups.js';
import { openProcessConsole, type ProcessConsole } from './container-console.js';
import { processStartTime, runningContainer } from './container-state.js';
import { type ContainerProcess, type ExitStatus, exitStatus } from './exit-status.js';
import { letGo, processHandle } from './go.js';
import { buildJoinPlan, JOIN_ORDER, namespaceSlot } from './join-plan.js';
import type { StdioEntry } from './launched.js';
import { setRlimits } from './rlimits.js';

export interface ExecInOptions {
  /** The directory of a running container (its `pid` and `start` name it). */
  readonly dir: string;
  readonly args: readonly string[];
  readonly stdio?: readonly [StdioEntry, StdioEntry, StdioEntry];
  readonly sys?: System;
}

/** A process inside a running container (not its PID 1). */
export type JoinedProcess = ContainerProcess;

export async function execInContainer(options: ExecInOptions): Promise<JoinedProcess> {
  const sys = options.sys ?? linuxSystem();
  const stdio = options.stdio ?? ['inherit', 'inherit', 'inherit'];
  if (process.arch !== 'x64') throw new LcError('UNSUPPORTED', 'joining a container needs the native executor (x86-64)');
  const { model } = await loadContainerConfig(options.dir);
  const running = runningContainer(options.dir);
  if (!running) throw new LcError('NOT_RUNNING', `${options.dir}: no container is running there`);
  const plan = buildJoinPlan(model, options.args, sys);

  const fds: Record<string, number> = {};
  let terminal: ProcessConsole | undefined;
  let launchedPromise: ReturnType<typeof cloneForked>;
  try {
    for (const [kind, , file] of JOIN_ORDER) {
      if (hasNamespace(model, kind)) fds[namespaceSlot(file)] = sys.openNamespace(running.pid, file);
    }
    // The namespaces are held open now: check they are still the container's, not a
    // recycled pid's.
    if (processStartTime(running.pid) !== running.start) {
      throw new LcError('NOT_RUNNING', `${options.dir}: the container exited`);
    }
    // A terminal of its own, as `docker exec -t` gives, from the container's devpts.
    terminal = openProcessConsole(model, sys, `/proc/${running.pid}/root`);
    launchedPromise = cloneForked(plan, sys, terminal?.stdio ?? stdio, fds);
  } catch (error) {
    terminal?.close();
    throw error;
  } finally {
    // The clone3 child got its own copies; the fork needs none of them any more.
    for (const fd of Object.values(fds)) sys.close(fd);
    terminal?.launched();
  }
  try {
    const joined = await launchedPromise;
    const exited = new Promise<ExitStatus>((resolve) =>
      joined.onExit((end) => {
        joined.stdin?.destroy();
        resolve(exitStatus(end));
      }),
    );
    // The joined process belongs to the container's cgroups and has its limits too,
    // before it runs anything.
    await letGo(plan, sys, joined, exited, () => {
      joinRecordedCgroups(options.dir, joined.pid);
      setRlimits(joined.pid, model, sys);
    });
    const handle = processHandle(joined, exited);
    return terminal ? terminal.attach(handle) : handle;
  } catch (error) {
    terminal?.close();
    throw error;
  }
}
