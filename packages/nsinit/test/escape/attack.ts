// The attacker's side of the escape suite: a python3 program run inside a real
// container — as its first process, or joined to it (`nsinit exec`) — that tries a
// way out and prints, as JSON, what the kernel answered. ctypes makes the raw system
// calls; the test rootfs reuses the host's /usr, so /usr/bin/python3 is there.
import { execInContainer, startContainer } from '@lc/nsinit';
import { syscallTable } from '@lc/system';
import { readAll, waitForOutput } from '../harness.js';

/**
 * Defined for every attack: `call(name, *args)` makes the raw system call `name`
 * (None is NULL, bytes a string, ints longs) and returns its result, or the errno's
 * name ("EPERM") when it fails; `report(value)` prints the value as JSON.
 */
const PRELUDE = `
import ctypes, errno, json, os, struct, sys
NR = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def _arg(a):
    if a is None: return ctypes.c_void_p(0)
    if isinstance(a, bytes): return ctypes.c_char_p(a)
    return ctypes.c_long(a)
def call(name, *args):
    ctypes.set_errno(0)
    ret = libc.syscall(ctypes.c_long(NR[name]), *[_arg(a) for a in args])
    return ret if ret >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
def oserror(action):
    try:
        return action()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def report(value):
    print(json.dumps(value))
`;

/** The table is passed in: the attacker needs numbers, and x86-64 is where lc filters. */
const NUMBERS = JSON.stringify(syscallTable('x64') ?? {});

/** argv for `python3 -c <prelude + code>`. */
export function python(code: string): string[] {
  return ['python3', '-c', `${PRELUDE}\n${code}`, NUMBERS];
}

export interface Outcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `args` as a new container of `dir`, to its exit. */
export async function asFirstProcess(dir: string, args: readonly string[]): Promise<Outcome> {
  const container = await startContainer({ dir, args, stdio: ['ignore', 'pipe', 'pipe'] });
  const [stdout, stderr] = await Promise.all([readAll(container.stdout), readAll(container.stderr)]);
  return { ...(await container.exited), stdout, stderr };
}

/** Runs `args` joined to a running container of `dir` (its first process waits meanwhile), then ends both. */
export async function asJoinedProcess(dir: string, args: readonly string[]): Promise<Outcome> {
  const first = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    await waitForOutput(first.stdout!, 'ready');
    const joined = await execInContainer({ dir, args, stdio: ['ignore', 'pipe', 'pipe'] });
    const [stdout, stderr] = await Promise.all([readAll(joined.stdout), readAll(joined.stderr)]);
    return { ...(await joined.exited), stdout, stderr };
  } finally {
    first.stdin?.end('\n');
    await first.exited;
  }
}

/** The JSON the attack reported; throws with its stderr when it did not finish. */
export function reported<T>(outcome: Outcome): T {
  if (outcome.exitCode !== 0) throw new Error(`the attack exited with ${outcome.exitCode ?? outcome.signal}: ${outcome.stderr.trim()}`);
  return JSON.parse(outcome.stdout) as T;
}

/** Each way an attack runs: as the container's first process, and joined to it (the join path is x86-64's native one). */
export const PROCESSES = [
  ['first process', asFirstProcess],
  ...(process.arch === 'x64' ? ([['joined process', asJoinedProcess]] as const) : []),
] as const;
