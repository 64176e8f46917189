// The container's hooks (container.json `hooks`, as OCI's): programs on the host run at
// points of its life, each given the container's state as JSON on stdin. One runs
// after the other; a hook fails by a non-zero exit, a signal, or its timeout.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { type Hook, LcError } from '@lc/config-types';

export type HookKind = 'prestart' | 'poststart' | 'poststop';

/** The state OCI hooks read on stdin. */
export interface HookState {
  readonly ociVersion: string;
  readonly id: string;
  readonly status: 'created' | 'running' | 'stopped';
  readonly pid: number;
  readonly bundle: string;
  readonly annotations: Record<string, string>;
}

export function hookState(dir: string, pid: number, status: HookState['status']): HookState {
  return { ociVersion: '1.0.2', id: basename(dir), status, pid, bundle: dir, annotations: {} };
}

/** Runs `hooks` in order; rejects with an LcError (code HOOK) naming the first that failed. */
export async function runHooks(kind: HookKind, hooks: readonly Hook[], state: HookState): Promise<void> {
  for (const [index, hook] of hooks.entries()) await runHook(`hooks.${kind}[${index}]`, hook, state);
}

/** What of a hook's stderr goes in the error: its last line, this long at most. */
const STDERR_KEPT = 4096;

function runHook(field: string, hook: Hook, state: HookState): Promise<void> {
  return new Promise((resolve, reject) => {
    const [argv0, ...args] = hook.args.length > 0 ? hook.args : [hook.path];
    const env = Object.fromEntries(hook.env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    const child = spawn(hook.path, args, { argv0: argv0 ?? hook.path, env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    let timedOut = false;
    const timer =
      hook.timeout === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, hook.timeout * 1000);
    const fail = (why: string) => {
      const said = stderr.trim().split('\n').at(-1);
      reject(new LcError('HOOK', `${field}: ${hook.path} ${why}${said ? `: ${said}` : ''}`));
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new LcError('HOOK', `${field}: ${hook.path}: ${error.code ?? error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) fail(`timed out after ${hook.timeout} s`);
      else if (signal) fail(`was killed by ${signal}`);
      else if (code !== 0) fail(`exited with ${code}`);
      else resolve();
    });
    // A hook that does not read its state must not fail by EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(state));
  });
}
