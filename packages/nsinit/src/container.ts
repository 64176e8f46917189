
import type { CgroupManager } from '@lc/cgroups';
import { type ContainerModel, loadContainerConfig } from '@lc/config-types';
import { linuxSystem, type Plan, type System } from '@lc/system';
import { cloneForked } from './clone-init.js';
import { containerCgroups, createRecordedCgroups, destroyRecordedCgroups } from './container-cgroups.js';
import { openProcessConsole, type ProcessConsole } from './container-console.js';
import { type ContainerNetworks, containerNetworks } from './container-network.js';
import { lockContainerDir, processStartTime, removeState, writeState } from './container-state.js';
import { defaultExecutor, type Executor } from './executor.js';
import { type ContainerProcess, type ExitStatus, exitStatus } from './exit-status.js';
import { faultPoint, withTestFault } from './fault-injection.js';
import { letGo, processHandle } from './go.js';
import { hookState, runHooks } from './hooks.js';
import { writeIdMappings } from './id-mappings.js';
import { buildInitPlan } from './init-plan.js';
import { NETNS_SLOT } from './init-protocol.js';
import type { LaunchedInit, StdioEntry } from './launched.js';
import { openJoinedNetworkNamespace } from './network-namespace.js';
import { notYetApplied } from './not-yet-applied.js';
import { setRlimits } from './rlimits.js';
import { spawnInit } from './spawn-init.js';


export interface StartOptions {
  /** The container directory: container.json, and where `pid` and `start` are kept. */
  readonly dir: string;
  /** The program and its arguments; the program is looked up in the container's PATH. */
  readonly args: readonly string[];
  readonly stdio?: readonly [StdioEntry, StdioEntry, StdioEntry];
  /** Default: `native` on x86-64 (or $LC_EXECUTOR), `node` elsewhere. */
  readonly executor?: Executor;
  readonly sys?: System;
  /** Told about config sections this version accepts but does not apply yet. */
  readonly onWarning?: (message: string) => void;
}


/** The container's PID 1; `exited` resolves once its cgroups and record are removed too. */
export interface RunningContainer extends ContainerProcess {
  readonly model: ContainerModel;
}

export async function startContainer(options: StartOptions): Promise<RunningContainer> {
  const sys = options.sys ?? linuxSystem();
  const executor = options.executor ?? defaultExecutor();
  const { model } = await loadContainerConfig(options.dir);
  const stdio = options.stdio ?? ['inherit', 'inherit', 'inherit'];
  for (const note of notYetApplied(model)) options.onWarning?.(note);
  const unlock = await lockContainerDir(sys, options.dir, model.cgroup);
  faultPoint('locked');
  let terminal: ProcessConsole | undefined;
  let plan: Plan;
  try {
    // The plan binds the pty's slave by its path: the pty comes first.
    terminal = openProcessConsole(model, sys);
    const consolePath = terminal ? { consolePath: terminal.path } : {};
    plan = withTestFault(buildInitPlan(model, options.args, sys, { executor, ...consolePath }));
  } catch (error) {
    terminal?.close();
    unlock();
    throw error;
  }
  const cgroups = containerCgroups(model, sys);
  const networks = containerNetworks(options.dir, model, sys);
  let made = false;
  let released = false;
  // Everything the container made is undone, once: when it has exited, or when starting
  // it failed. Cgroups that cannot be removed now (a process left behind) keep their
  // record, and the next start in this directory removes them.
  const release = () => {
    if (released) return;
    released = true;
    try {
      networks?.remove();
      if (cgroups && made) destroyRecordedCgroups(options.dir, cgroups);
    } catch (error) {
      // Kept in the record: the next start here removes them (removeLeftCgroups).
      options.onWarning?.(`${errorMessage(error)} (the next start in ${options.dir} removes them)`);
    } finally {
      unlock();
    }
  };
  try {
    // Before the process exists: its limits hold from its first instruction on.
    if (cgroups) createRecordedCgroups(options.dir, cgroups);
    made = true;
    faultPoint('cgroups-created');
    const netns = openJoinedNetworkNamespace(model);
    let launched: LaunchedInit;
    try {
      const processStdio = terminal?.stdio ?? stdio;
      launched =
        executor === 'native'
          ? await cloneForked(plan, sys, processStdio, netns === undefined ? {} : { [NETNS_SLOT]: netns })
          : spawnInit(model, plan, sys, processStdio, netns);
      faultPoint('launched');
    } finally {
      // The executor's process has its own copies now.
      if (netns !== undefined) sys.close(netns);
      terminal?.launched();
    }
    const container = await follow(options.dir, model, plan, sys, launched, { cgroups, networks }, release, options.onWarning);
    return terminal ? { ...terminal.attach(container), model } : container;
  } catch (error) {
    terminal?.close();
    release();
    throw error;
  }
}

/** Records the container, lets it go, and follows it to exec and to its exit. */
async function follow(
  dir: string,
  model: ContainerModel,
  plan: Plan,
  sys: System,
  init: LaunchedInit,
  { cgroups, networks }: { cgroups: CgroupManager | undefined; networks: ContainerNetworks | undefined },
  release: () => void,
  onWarning: ((message: string) => void) | undefined,
): Promise<RunningContainer> {
  const exited = new Promise<ExitStatus>((resolve) => {
    init.onExit((end) => {
      // Nothing reads the process's stdin any more: the pipe's end goes too.
      init.stdin?.destroy();
      faultPoint('exited');
      removeState(dir);
      faultPoint('state-removed');
      release();
      faultPoint('released');
      void runHooks('poststop', model.hooks.poststop, hookState(dir, init.pid, 'stopped'))
        .catch((error: unknown) => onWarning?.(errorMessage(error)))
        .then(() => resolve(exitStatus(end)));
    });
  });
  await letGo(plan, sys, init, exited, async () => {
    const start = processStartTime(init.pid);
    if (start !== undefined) writeState(dir, { pid: init.pid, start });
    faultPoint('state-written');
    // Everything the parent does for the container happens before the go, while the
    // child waits on the sync pipe. cgroup v1: the cgroup.procs write can take
    // milliseconds (an RCU grace period); the child spends them waiting, not the exec.
    cgroups?.join(init.pid);
    faultPoint('cgroups-joined');
    setRlimits(init.pid, model, sys);
    writeIdMappings(init.pid, model);
    faultPoint('ids-mapped');
    networks?.create(init.pid);
    faultPoint('network-created');
    // Their namespaces exist (a prestart hook is there for the network): the container's
    // set-up goes on only once they all succeeded.
    await runHooks('prestart', model.hooks.prestart, hookState(dir, init.pid, 'created'));
    faultPoint('prestart-hooks-run');
  });
  faultPoint('exec');
  await runHooks('poststart', model.hooks.poststart, hookState(dir, init.pid, 'running')).catch((error: unknown) =>
    onWarning?.(errorMessage(error)),
  );
  faultPoint('poststart-hooks-run');
  return { ...processHandle(init, exited), model };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

