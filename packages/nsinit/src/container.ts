// Starting a container from its directory and following it to its exit: the whole
// life cycle `nsinit exec` drives.
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { type ContainerModel, loadContainerConfig } from '@lc/config-types';
import { errnoName, linuxSystem, type Plan, type System } from '@lc/system';
import { lockContainerDir, processStartTime, removeState, writeState } from './container-state.js';
import { InitError } from './errors.js';
import { buildInitPlan } from './init-plan.js';
import { ERROR_RECORD_SIZE, INIT_FAILED_STEP } from './init-protocol.js';
import { notYetApplied } from './not-yet-applied.js';
import { spawnInit } from './spawn-init.js';

export type StdioEntry = 'pipe' | 'inherit' | 'ignore' | number;

export interface StartOptions {
  /** The container directory: container.json, and where `pid` and `start` are kept. */
  readonly dir: string;
  /** The program and its arguments; the program is looked up in the container's PATH. */
  readonly args: readonly string[];
  readonly stdio?: readonly [StdioEntry, StdioEntry, StdioEntry];
  readonly sys?: System;
  /** Told about config sections this version accepts but does not apply yet. */
  readonly onWarning?: (message: string) => void;
}

export interface ExitStatus {
  /** The exit code, or 128 + the signal number when a signal ended the container. */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningContainer {
  readonly pid: number;
  readonly model: ContainerModel;
  /** The container's stdin when it is 'pipe', else null. */
  readonly stdin: Writable | null;
  /**
   * The container's output when it is 'pipe', else null. Buffered from the start
   * (with backpressure): output of a container that exits before anyone reads it
   * is kept, where a bare ChildProcess stream would be drained and lost at exit.
   */
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves when PID 1 has exited and the container's record is removed. */
  readonly exited: Promise<ExitStatus>;
  kill(signal?: NodeJS.Signals | number): boolean;
}

export async function startContainer(options: StartOptions): Promise<RunningContainer> {
  const sys = options.sys ?? linuxSystem();
  const { model } = await loadContainerConfig(options.dir);
  const plan = buildInitPlan(model, options.args, sys);
  for (const note of notYetApplied(model)) options.onWarning?.(note);
  const unlock = lockContainerDir(sys, options.dir);
  try {
    return await launch(options.dir, model, plan, sys, options.stdio ?? ['inherit', 'inherit', 'inherit'], unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function launch(
  dir: string,
  model: ContainerModel,
  plan: Plan,
  sys: System,
  stdio: readonly StdioEntry[],
  unlock: () => void,
): Promise<RunningContainer> {
  const { child, syncWrite, errorRead } = spawnInit(model, plan, sys, stdio);
  // Node drains (resumes) a child's unread stdio when it exits: hold the output in
  // streams of our own from the first moment.
  const output = child.stdout ? child.stdout.pipe(new PassThrough()) : null;
  const errors = child.stderr ? child.stderr.pipe(new PassThrough()) : null;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      removeState(dir);
      unlock();
      resolve({ exitCode: signal ? 128 + constants.signals[signal] : (code ?? 0), signal });
    });
  });
  const errorRecord = readToEnd(errorRead);
  try {
    const pid = child.pid;
    if (pid === undefined) throw new Error('spawn of the node init failed');
    const start = processStartTime(pid);
    if (start !== undefined) writeState(dir, { pid, start });
    // Everything the parent does for the container happens before this byte: the
    // init waits on the sync pipe (cgroups, #4, join here).
    writeSync(syncWrite, Buffer.of(1));
  } catch (error) {
    // EPIPE: the init died before the go; its exit and error record tell why.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  } finally {
    sys.close(syncWrite);
  }
  const record = await errorRecord;
  if (record.length >= ERROR_RECORD_SIZE) {
    await exited;
    throw initError(plan, record);
  }
  return {
    pid: child.pid!,
    model,
    stdin: child.stdin,
    stdout: output,
    stderr: errors,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}

function initError(plan: Plan, record: Buffer): InitError {
  const step = record.readUInt32LE(0);
  const errno = record.readUInt32LE(4);
  if (step === INIT_FAILED_STEP) {
    const message = record.subarray(ERROR_RECORD_SIZE).toString() || 'failed';
    return new InitError(`container init: ${message}`, { step, errno, label: 'init' });
  }
  const label = plan.steps[step]?.label ?? `step ${step}`;
  return new InitError(`${label}: ${errnoName(errno)}`, { step, errno, label });
}

/** Reads a pipe to EOF without blocking a threadpool thread (the fd is ours alone). */
function readToEnd(fd: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}
