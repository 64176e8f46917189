// The last steps before the user's program: undo what the Node init inherited
// from Node, close what must not leak, and exec the program found in the
// container's PATH.
import type { ContainerModel } from '@lc/config-types';
import { CLOSE_RANGE_CLOEXEC, errnoNumber, type PlanBuilder, steps } from '@lc/system';

/** execvp's default when the environment has no PATH. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `beforeExec`: steps to come last, right before the execve candidates (the seccomp filter). */
export function execSteps(
  b: PlanBuilder,
  args: readonly string[],
  env: readonly string[],
  ignored: readonly number[],
  beforeExec?: () => void,
): void {
  // An ignored disposition survives execve (ignored-signals.ts); handled signals are
  // reset by execve itself. The mask is inherited too.
  for (const signal of ignored) steps.signalDefault(b, signal);
  steps.unblockAllSignals(b);
  // Node marks fds 0-2 close-on-exec; the program needs its stdio.
  for (const fd of [0, 1, 2]) {
    steps.fcntlSetFd(b, fd, 0, { label: `keep fd ${fd} open across exec`, onError: { policy: 'ignore-errno', errno: errnoNumber('EBADF') } });
  }
  // Every other fd closes at exec (CVE-2024-21626 was a leaked fd). CLOEXEC rather
  // than a plain close: the error pipe must stay open until the exec succeeds.
  steps.closeRange(b, 3, CLOSE_RANGE_CLOEXEC);

  beforeExec?.();

  const command = args[0]!;
  const argv = b.strings(args);
  const envp = b.strings(env);
  const candidates = command.includes('/') ? [command] : searchPath(env).map((dir) => `${dir}/${command}`);
  candidates.forEach((path, i) => {
    const last = i === candidates.length - 1;
    if (last) {
      const label = command.includes('/') ? `exec ${command}` : `exec ${command} (searched PATH)`;
      steps.execve(b, path, argv, envp, { label });
    } else {
      // Like execvp: a candidate that is missing or not executable moves on to the next.
      steps.execve(b, path, argv, envp, { onError: { policy: 'jump', to: b.length + 1 } });
    }
  });
}

function searchPath(env: readonly string[]): string[] {
  const entry = env.findLast((value) => value.startsWith('PATH='));
  const path = entry === undefined ? DEFAULT_PATH : entry.slice('PATH='.length);
  return path.split(':').map((dir) => dir || '.');
}

/** The configured environment, with HOME from /etc/passwd when it does not set one (as runc). */
export function environment(model: ContainerModel, home: string): string[] {
  const env = [...model.process.env];
  if (!env.some((entry) => entry.startsWith('HOME='))) env.push(`HOME=${home}`);
  return env;
}
