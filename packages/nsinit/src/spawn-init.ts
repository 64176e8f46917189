// The portable create path (DESIGN.md): the parent unshares UTS, IPC, NET and PID
// on its main thread, spawns the Node init into them, and restores its own
// namespaces in a `finally`. unshare and setns act on the calling thread only, and
// libuv forks from the thread that calls spawn, so the init inherits exactly the
// namespaces the main thread holds for that moment.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import type { ContainerModel, NamespaceKind } from '@lc/config-types';
import { CLONE, type NamespaceFile, type Plan, type System, serializePlan } from '@lc/system';
import { errorPipe } from './error-record.js';
import { createsNamespace } from './executor.js';
import type { LaunchedInit, StdioEntry } from './launched.js';

// The parent keeps its mount namespace (unsharing it would break its cwd for good):
// the init unshares NEWNS itself, as the plan's first steps.
const PARENT_UNSHARED: readonly { kind: NamespaceKind; file: NamespaceFile; flag: number }[] = [
  { kind: 'uts', file: 'uts', flag: CLONE.NEWUTS },
  { kind: 'ipc', file: 'ipc', flag: CLONE.NEWIPC },
  { kind: 'network', file: 'net', flag: CLONE.NEWNET },
  { kind: 'pid', file: 'pid', flag: CLONE.NEWPID },
];

/**
 * The built init (`@lc/nsinit/init`), resolved through the package's exports: from its
 * own dist, from its sources under test, and from a bundle (the nsinit CLI) alike.
 */
const initScript = () => createRequire(import.meta.url).resolve('@lc/nsinit/init');


export function spawnInit(
  model: ContainerModel,
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  netns?: number,
): LaunchedInit {
  const [planRead, planWrite] = sys.pipe();
  const [syncRead, syncWrite] = sys.pipe();
  const [errorRead, errorWrite] = sys.pipe();
  let child: ChildProcess;
  try {
    // fd 6: the network namespace to join (netns strategy), when there is one.
    child = spawnInNamespaces(model, sys, [...stdio, planRead, syncRead, errorWrite, ...(netns === undefined ? [] : [netns])]);
  } catch (error) {
    for (const fd of [planWrite, syncWrite, errorRead]) sys.close(fd);
    throw error;
  } finally {
    // The child holds its own copies now.
    for (const fd of [planRead, syncRead, errorWrite]) sys.close(fd);
  }
  // A plan is a few KiB, well under a pipe's 64 KiB: this write does not block.
  writeSync(planWrite, serializePlan(plan));
  sys.close(planWrite);
  if (child.pid === undefined) throw new Error('spawn of the node init failed');
  return {
    pid: child.pid,
    syncWrite,
    errors: errorPipe(errorRead),
    stdin: child.stdin,
    // Node drains (resumes) a child's unread stdio when it exits: hold the output in
    // streams of our own from the first moment.
    stdout: child.stdout ? child.stdout.pipe(new PassThrough()) : null,
    stderr: child.stderr ? child.stderr.pipe(new PassThrough()) : null,
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener({ code, signal: signal ? constants.signals[signal] : null }));
    },
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

function spawnInNamespaces(model: ContainerModel, sys: System, stdio: StdioEntry[]): ChildProcess {
  const wanted = PARENT_UNSHARED.filter((ns) => createsNamespace(model, ns.kind));
  const saved: { fd: number; flag: number }[] = [];
  try {
    for (const ns of wanted) saved.push({ fd: sys.openNamespace('self', ns.file), flag: ns.flag });
    sys.unshare(wanted.reduce((flags, ns) => flags | ns.flag, 0));
    return spawn(process.execPath, [initScript()], {
      stdio,
      // Each variable costs Node start-up time (NODE_EXTRA_CA_CERTS ~45 ms), and the
      // container's environment is set by execve from the plan anyway.
      env: {},
      // A session of its own: terminal signals reach nsinit, which forwards them,
      // instead of hitting the container twice.
      detached: true,
    });
  } finally {
    for (const { fd, flag } of saved) {
      sys.setns(fd, flag);
      sys.close(fd);
    }
  }
}
