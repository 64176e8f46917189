// spawn(): execa's shape — a handle at once, synchronously, whose stdio streams can be
// used before the container runs; the container starts behind it. The handle is a
// thenable for the container's ExitStatus, and `container` resolves with its Container.
//
// Why beside create(): create() resolves once the container runs, so its result cannot
// be a thenable (await would unwrap it). spawn() hands out proxies (PassThrough) for
// the 'pipe' fds instead, piped to and from the container once it runs.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { type Container, type CreateOptions, create } from './container-handle.js';
import type { ExitStatus } from './exit-status.js';
import type { OutputOption, StdinOption } from './stdio-streams.js';

export type SpawnOptions = CreateOptions;

export interface Subprocess extends PromiseLike<ExitStatus>, AsyncDisposable {
  /** The container once it runs; rejects as create() does. */
  readonly container: Promise<Container>;
  /** For 'pipe' fds: usable at once; stdin is closed, the outputs end, when the container is gone. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Sends `signal` (default SIGTERM) — once the container runs, if it does not yet; false once it is gone. */
  kill(signal?: NodeJS.Signals | number): boolean;
  /**
   * `await subprocess`: the status, or the start error, or ABORTED / TIMEOUT. Nothing is
   * reported for a handle neither awaited nor asked for its `container`.
   */
  then<A = ExitStatus, B = never>(
    onfulfilled?: ((status: ExitStatus) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B>;
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<ExitStatus | B>;
  /** Kills the container (SIGKILL) if it runs, and waits until it is gone. */
  [Symbol.asyncDispose](): Promise<void>;
}

export function spawn(dir: string, args: readonly string[], options: SpawnOptions = {}): Subprocess {
  const stdio = options.stdio ?? 'pipe';
  const [inMode, outMode, errMode] = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  const stdin = inMode === 'pipe' ? new PassThrough() : null;
  const stdout = outMode === 'pipe' ? new PassThrough() : null;
  const stderr = errMode === 'pipe' ? new PassThrough() : null;
  const proxied: [StdinOption, OutputOption, OutputOption] = [stdin ?? inMode, stdout ?? outMode, stderr ?? errMode];
  const container = create(dir, args, { ...options, stdio: proxied });

  let started: Container | undefined;
  let gone = false;
  const pending: (NodeJS.Signals | number)[] = [];
  // Handled here whatever happens, so the caller sees a rejection only where they look.
  void container
    .then((running) => {
      started = running;
      for (const signal of pending.splice(0)) running.kill(signal);
      return running.wait();
    })
    .then(finish, finish);
  function finish() {
    gone = true;
    // As child_process does with a child's stdin at its exit; later writes go nowhere.
    stdin?.destroy();
    stdout?.end();
    stderr?.end();
  }

  let status: Promise<ExitStatus> | undefined;
  const result = () => {
    status ??= container.then((running) => running.wait());
    return status;
  };
  return {
    container,
    stdin,
    stdout,
    stderr,
    kill: (signal = 'SIGTERM') => {
      if (gone) return false;
      if (started) return started.kill(signal);
      pending.push(signal);
      return true;
    },
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, as execa's result is.
    then: (onfulfilled, onrejected) => result().then(onfulfilled, onrejected),
    catch: (onrejected) => result().catch(onrejected),
    [Symbol.asyncDispose]: async () => {
      const running = await container.catch(() => undefined);
      await running?.[Symbol.asyncDispose]();
    },
  };
}
