// create(): a container as one object — its PID 1's handle, plus what acts on the
// container as a whole (exec, stats, pause, resume). The functions underneath
// (startContainer, execInContainer, containerStats, …) name a container by its
// directory; the handle refuses to act once its own container has exited, so that it
// never reaches a later container started in the same directory.
import { basename } from 'node:path';
import type { CgroupStats } from '@lc/cgroups';
import { LcError } from '@lc/config-types';
import { linuxSystem } from '@lc/system';
import { startContainer } from './container.js';
import { pauseContainer, resumeContainer } from './control.js';
import type { Executor } from './executor.js';
import { execInContainer } from './join.js';
import { type ProcessHandle, type ProcessOptions, startProcess } from './process-handle.js';
import { type StatsOptions, statsStream } from './stats-stream.js';

export interface CreateOptions extends ProcessOptions {
  /** Default: `native` on x86-64 (or $LC_EXECUTOR), `node` elsewhere. */
  readonly executor?: Executor;
  /** Told about config sections this version accepts but does not apply yet. */
  readonly onWarning?: (message: string) => void;
}

/** exec() runs in the container's system (`sys`), with stdio, signal and timeout of its own. */
export type ExecOptions = Omit<ProcessOptions, 'sys'>;

/** A running container: the handle of its PID 1, and the container's own operations. */
export interface Container extends ProcessHandle {
  /** The container directory's name. */
  readonly id: string;
  /** The container directory. */
  readonly dir: string;
  /**
   * Starts `args` inside the container (its namespaces, cgroups, credentials; not PID 1)
   * and resolves once it was exec'd. Native executor (x86-64) only.
   */
  exec(args: readonly string[], options?: ExecOptions): Promise<ProcessHandle>;
  /** Its cgroup stats, now and then every `interval` ms, until it exits or `signal` aborts. */
  stats(options?: StatsOptions): AsyncGenerator<CgroupStats, void, undefined>;
  /** Freezes every process of the container; resolves once the kernel says frozen. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/**
 * Starts a container of `dir` running `args` as its PID 1; resolves once the program
 * was exec'd. Not a thenable: `await create(…)` gives the handle, `wait()` the status.
 */
export async function create(dir: string, args: readonly string[], options: CreateOptions = {}): Promise<Container> {
  const sys = options.sys ?? linuxSystem();
  const { executor, onWarning } = options;
  const { handle, exited } = await startProcess(dir, `${dir}: the container`, options, (stdio) =>
    startContainer({ dir, args, stdio, sys, ...(executor ? { executor } : {}), ...(onWarning ? { onWarning } : {}) }),
  );
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  const refuseIfGone = () => {
    if (gone.signal.aborted) throw new LcError('NOT_RUNNING', `${dir}: the container exited`);
  };
  return {
    ...handle,
    id: basename(dir),
    dir,
    exec: async (execArgs, execOptions = {}) => {
      refuseIfGone();
      const joined = await startProcess(dir, `${dir}: the joined process`, execOptions, (stdio) =>
        execInContainer({ dir, args: execArgs, stdio, sys }),
      );
      return joined.handle;
    },
    stats: (statsOptions) => statsStream(dir, sys, gone.signal, statsOptions),
    pause: async () => {
      refuseIfGone();
      await pauseContainer(dir, sys);
    },
    resume: async () => {
      refuseIfGone();
      await resumeContainer(dir, sys);
    },
  };
}
