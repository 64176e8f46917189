// `nsinit delete`, as `runc delete`: what a container directory still records — the
// cgroups (and the processes a container without a pid namespace of its own left in
// them), the host end of its veths, the pid and start files — removed once no
// container runs there. A start cleans the same up (container-state.ts); this is for a
// directory nobody starts again, after an nsinit that was SIGKILLed left them behind.
import { statSync } from 'node:fs';
import { type ContainerModel, LcError, loadContainerConfig } from '@lc/config-types';
import { linuxSystem, SIGNALS, type System } from '@lc/system';
import { lockContainerDir, processStartTime, type RecordedContainer, runningContainer } from './container-state.js';
import { recordError } from './records.js';

export interface DeleteOptions {
  /** Kill (SIGKILL) a container that still runs there, and wait until it is gone. */
  readonly force?: boolean;
  readonly sys?: System;
}

export async function deleteContainer(dir: string, options: DeleteOptions = {}): Promise<void> {
  const sys = options.sys ?? linuxSystem();
  // Its config names its cgroups: the processes still in them are killed (what a
  // container without a pid namespace of its own forked); with a config that cannot be
  // read, none are.
  const model = await loadContainerConfig(dir).then(
    (loaded) => loaded.model,
    () => undefined,
  );
  const running = runningContainer(dir);
  if (running) {
    if (!options.force) throw new LcError('RUNNING', `${dir}: a container is running there (pid ${running.pid}); --force kills it`);
    await killAndWait(sys, dir, running, model);
  }
  // Taking the directory removes what a dead container left (the nsinit that follows a
  // killed one removes it itself, and lets go of the lock).
  const release = await lockContainerDir(sys, dir, model);
  release();
}

/**
 * SIGKILL through a pidfd (no recycled pid hit), then wait for the exit it reports. The
 * record names a pid and its start time; the process must also be the container's:
 * its root is the config's rootfs (or, without a config, not this process's root).
 */
async function killAndWait(sys: System, dir: string, { pid, start }: RecordedContainer, model: ContainerModel | undefined): Promise<void> {
  let pidfd: number;
  try {
    pidfd = sys.pidfdOpen(pid);
  } catch {
    return; // gone already
  }
  try {
    // The pidfd holds this pid now: if its start time still matches, it is the recorded process.
    if (processStartTime(pid) !== start) return;
    if (!rootedIn(pid, model?.rootfs)) throw recordError(dir, 'pid', `names process ${pid}, which is not in this container's root`);
    sys.signalPidfd(pidfd, SIGNALS.SIGKILL);
    // A pidfd is readable once its process has exited, for any process, not only a child.
    await new Promise<void>((resolve) => {
      const watcher = sys.watchReadable(pidfd, () => {
        watcher.close();
        resolve();
      });
    });
  } finally {
    sys.close(pidfd);
  }
}

/** Whether /proc/<pid>/root is `rootfs`, or (no rootfs known) is not our own root. */
function rootedIn(pid: number, rootfs: string | undefined): boolean {
  try {
    const root = statSync(`/proc/${pid}/root`);
    const expected = statSync(rootfs ?? '/');
    const same = root.dev === expected.dev && root.ino === expected.ino;
    return rootfs === undefined ? !same : same;
  } catch {
    return false;
  }
}
