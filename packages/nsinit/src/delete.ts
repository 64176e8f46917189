// `nsinit delete`, as `runc delete`: what a container directory still records — the
// cgroups (and the processes a container without a pid namespace of its own left in
// them), the host end of its veths, the pid and start files — removed once no
// container runs there. A start cleans the same up (container-state.ts); this is for a
// directory nobody starts again, after an nsinit that was SIGKILLed left them behind.
import { LcError, loadContainerConfig } from '@lc/config-types';
import { linuxSystem, SIGNALS, type System } from '@lc/system';
import { lockContainerDir, processStartTime, runningContainer } from './container-state.js';

export interface DeleteOptions {
  /** Kill (SIGKILL) a container that still runs there, and wait until it is gone. */
  readonly force?: boolean;
  readonly sys?: System;
}

export async function deleteContainer(dir: string, options: DeleteOptions = {}): Promise<void> {
  const sys = options.sys ?? linuxSystem();
  const running = runningContainer(dir);
  if (running) {
    if (!options.force) throw new LcError('RUNNING', `${dir}: a container is running there (pid ${running.pid}); --force kills it`);
    await killAndWait(sys, running.pid, running.start);
  }
  // Taking the directory removes what a dead container left (the nsinit that follows a
  // killed one removes it itself, and lets go of the lock). Its config names its cgroups:
  // the processes still in them are killed (what a container without a pid namespace of
  // its own forked); with a config that cannot be read, none are.
  const cgroup = await loadContainerConfig(dir).then(
    ({ model }) => model.cgroup,
    () => undefined,
  );
  const release = await lockContainerDir(sys, dir, cgroup);
  release();
}

/** SIGKILL through a pidfd (no recycled pid hit), then wait for the exit it reports. */
async function killAndWait(sys: System, pid: number, start: string): Promise<void> {
  let pidfd: number;
  try {
    pidfd = sys.pidfdOpen(pid);
  } catch {
    return; // gone already
  }
  try {
    // The pidfd holds this pid now: if its start time still matches, it is the container.
    if (processStartTime(pid) !== start) return;
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
