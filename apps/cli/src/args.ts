// nsinit's command line: global options, then a command and its arguments. The
// container's command is passed through untouched (its own options included),
// so this is parsed by hand rather than with util.parseArgs.
import type { Executor } from '@lc/nsinit';

export interface Invocation {
  /** --root/-r, else $data_path, else the working directory. */
  readonly dir: string;
  /** --executor: which executor runs the container's plan (default: lc's). */
  readonly executor: Executor | undefined;
  readonly command: string | undefined;
  readonly rest: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Invocation {
  let root: string | undefined;
  let executor: Executor | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--root' || arg === '-r') {
      root = argv[++i];
      if (root === undefined || root === '') throw new UsageError(`${arg}: needs a directory`);
    } else if (arg.startsWith('--root=')) {
      root = arg.slice('--root='.length);
    } else if (arg === '--executor' || arg.startsWith('--executor=')) {
      const value = arg === '--executor' ? argv[++i] : arg.slice('--executor='.length);
      if (value !== 'native' && value !== 'node') throw new UsageError(`--executor: expected native or node, got ${value ?? 'nothing'}`);
      executor = value;
    } else if (arg === '--help' || arg === '-h') {
      return { dir: cwd, executor, command: 'help', rest: [] };
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      break;
    }
  }
  const command = argv[i];
  let rest = argv.slice(i + 1);
  if (rest[0] === '--') rest = rest.slice(1);
  return { dir: root ?? (env.data_path || cwd), executor, command, rest };
}

export const USAGE = `usage: nsinit [--root DIR] [--executor native|node] <command> [args...]

commands:
  exec <cmd> [args...]   run cmd as PID 1 of a new container, or inside the running one
  plan <cmd> [args...]   print the init plan for cmd without running it
  rootfs [--tty] <dir>   make a container directory that reuses the host's /usr (no download);
                         --tty: an interactive one (tty: true)
  stats                  the running container's cgroup stats, as JSON
  stats --watch          a live table (CPU %, MEM USAGE / LIMIT, MEM %, PIDS) until it exits
  events                 its events (OOM kills) as JSON lines, until it exits
  pause | unpause        freeze or thaw every process of the running container
  ps [--json]            the running container's processes (host pid, pid inside, command)
  delete [--force]       remove what a dead container left (cgroups, veths, record);
                         --force kills a running one first
  help                   show this

The container directory (container.json, pid, start) is --root DIR, else $data_path,
else the current directory. --executor picks what runs the container's set-up: native
(a clone3 child, the default on x86-64) or node (a Node init process). Exit status: the container's own, 128+N when signal N
ended it, 125 when nsinit itself failed (the error is one line on stderr).`;
