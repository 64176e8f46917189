// Starting a process inside a running container: what `nsinit exec` does when the
// directory records a running container. Native executor only: a threaded Node
// process can neither enter a user namespace nor fork into a pid one.
import { writeSync } from 'node:fs';
import { hasNamespace, LcError, loadContainerConfig } from '@lc/config-types';
import { linuxSystem, type System } from '@lc/system';
import { cloneJoined } from './clone-init.js';
import { joinRecordedCgroups } from './container-cgroups.js';
import { processStartTime, runningContainer } from './container-state.js';
import { initError, readToEnd } from './error-record.js';
import { type ContainerProcess, type ExitStatus, exitStatus, signalNumber } from './exit-status.js';
import { ERROR_RECORD_SIZE } from './init-protocol.js';
import { buildJoinPlan, FORKED_SLOT, JOIN_ORDER, namespaceSlot } from './join-plan.js';
import type { StdioEntry } from './launched.js';

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
  const redirected = stdio.map((entry) => entry !== 'inherit') as [boolean, boolean, boolean];
  const plan = buildJoinPlan(model, options.args, sys, { redirected });

  const fds: Record<string, number> = {};
  let launchedPromise: ReturnType<typeof cloneJoined>;
  try {
    for (const [kind, , file] of JOIN_ORDER) {
      if (hasNamespace(model, kind)) fds[namespaceSlot(file)] = sys.openNamespace(running.pid, file);
    }
    // The namespaces are held open now: check they are still the container's, not a
    // recycled pid's.
    if (processStartTime(running.pid) !== running.start) {
      throw new LcError('NOT_RUNNING', `${options.dir}: the container exited`);
    }
    launchedPromise = cloneJoined(
      plan,
      sys,
      stdio,
      fds,
      plan.slots.findIndex((slot) => slot.name === FORKED_SLOT),
    );
  } finally {
    // The clone3 child got its own copies; the fork needs none of them any more.
    for (const fd of Object.values(fds)) sys.close(fd);
  }
  const joined = await launchedPromise;
  // The joined process belongs to the container's cgroups too, before it runs anything.
  joinRecordedCgroups(options.dir, joined.pid);
  const exited = new Promise<ExitStatus>((resolve) => joined.onExit((end) => resolve(exitStatus(end))));
  const errorRecord = readToEnd(joined.errorRead);
  try {
    writeSync(joined.syncWrite, Buffer.of(1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  } finally {
    sys.close(joined.syncWrite);
  }
  const record = await errorRecord;
  if (record.length >= ERROR_RECORD_SIZE) {
    await exited;
    throw initError(plan, record);
  }
  return {
    pid: joined.pid,
    stdin: joined.stdin,
    stdout: joined.stdout,
    stderr: joined.stderr,
    exited,
    kill: (signal = 'SIGTERM') => {
      joined.kill(signalNumber(signal));
      return true;
    },
    [Symbol.asyncDispose]: async () => {
      joined.kill(signalNumber('SIGKILL'));
      await exited;
    },
  };
}
