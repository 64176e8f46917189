// System calls from inside a container whose config has no `seccomp`: lc's default
// profile (Docker's) must refuse every call a container escape or a kernel exploit
// starts from — keyrings, io_uring, perf, bpf, new namespaces, mounts, modules, kexec —
// with EPERM. Each call is made with arguments that make it fail otherwise (or do
// nothing harmful): "unconfined" then answers differently, so EPERM is the filter's.
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { readConfig, updateConfig, withContainerDirs } from '../harness.js';
import { nativeExecutor, runAsUser, useRootlessContainers } from '../rootless-user.js';
import { asFirstProcess, PROCESSES, python, reported } from './attack.js';

interface Refused {
  readonly name: string;
  /** The arguments, as a Python tuple. */
  readonly args: string;
  /** Without the filter: not EPERM (this host, root without the capability); absent where the kernel refuses anyway. */
  readonly unconfined?: string;
}

const CLONE_NEWUSER = 0x10000000;
const SIGCHLD = 17;

const REFUSED: readonly Refused[] = [
  { name: 'keyctl', args: '(0, -3, 1)', unconfined: 'ok' }, // KEYCTL_GET_KEYRING_ID of the session keyring
  { name: 'add_key', args: "(b'no-such-type', b'lc', None, 0, -2)", unconfined: 'ENODEV' },
  { name: 'request_key', args: "(b'user', b'lc-no-such-key', None, 0)", unconfined: 'ENOKEY' },
  { name: 'io_uring_setup', args: '(1, None)', unconfined: 'EFAULT' },
  { name: 'io_uring_enter', args: '(-1, 0, 0, 0, None, 0)', unconfined: 'EBADF' },
  { name: 'io_uring_register', args: '(-1, 0, None, 0)', unconfined: 'EINVAL' },
  { name: 'perf_event_open', args: '(None, 0, -1, -1, 0)', unconfined: 'EFAULT' },
  { name: 'unshare', args: `(${CLONE_NEWUSER},)`, unconfined: 'ok' },
  { name: 'setns', args: '(-1, 0)', unconfined: 'EBADF' },
  { name: 'mount', args: '(None, None, None, 0, None)', unconfined: 'EFAULT' },
  { name: 'umount2', args: '(None, 0)', unconfined: 'EFAULT' },
  { name: 'open_tree', args: "(-1, b'/', 0)", unconfined: 'ok' },
  { name: 'mount_setattr', args: "(-1, b'', 0, None, 0)", unconfined: 'EINVAL' },
  { name: 'userfaultfd', args: '(1,)', unconfined: 'ok' }, // UFFD_USER_MODE_ONLY
  { name: 'clock_settime', args: '(0, None)', unconfined: 'EFAULT' },
  { name: 'personality', args: '(0x0400000,)', unconfined: 'ok' }, // READ_IMPLIES_EXEC
  // The kernel refuses these to root without the capability anyway; the filter first.
  { name: 'bpf', args: '(0, None, 0)' },
  { name: 'kexec_load', args: '(0, 0, None, 0)' },
  { name: 'kexec_file_load', args: "(-1, -1, 0, b'', 0)" },
  { name: 'init_module', args: "(None, 0, b'')" },
  { name: 'finit_module', args: "(-1, b'', 0)" },
  { name: 'delete_module', args: "(b'lc', 0)" },
  { name: 'pivot_root', args: "(b'/', b'/')" },
  { name: 'fsopen', args: "(b'tmpfs', 0)" },
  { name: 'open_by_handle_at', args: '(-1, None, 0)' },
  { name: 'swapon', args: "(b'/nonexistent', 0)" },
  { name: 'acct', args: '(None,)' },
  { name: 'reboot', args: '(0, 0, 0, None)' },
  { name: 'iopl', args: '(3,)' },
  { name: 'syslog', args: '(10, None, 0)' },
  { name: 'sethostname', args: "(b'lc', 2)" },
  { name: 'settimeofday', args: '(None, None)' },
  // socket(AF_VSOCK): not tried unconfined, where it could load a kernel module.
  { name: 'socket', args: '(40, 1, 0)' },
];

/** Each call's outcome ("ok", or the errno's name); a clone's child leaves at once. */
const CALL_EACH = (calls: readonly Refused[]) => `
def outcome(name, args):
    r = call(name, *args)
    if r == 0 and name == 'clone':
        os._exit(0)
    if isinstance(r, int):
        if name == 'clone':
            os.waitpid(r, 0)
        return 'ok'
    return r
# First: after a successful unshare(CLONE_NEWUSER) this process is no one in its new
# user namespace, and making another one fails whatever the filter says.
results = {'clone with CLONE_NEWUSER': outcome('clone', (${CLONE_NEWUSER | SIGCHLD}, 0, 0, 0, 0))}
results['clone3'] = outcome('clone3', (None, 0))
for name, args in [${calls.map((c) => `(${JSON.stringify(c.name)}, ${c.args})`).join(', ')}]:
    results[name] = outcome(name, args)
# What every program does still works: a plain fork, a socket, chroot (CAP_SYS_CHROOT is kept).
results['clone'] = outcome('clone', (${SIGCHLD}, 0, 0, 0, 0))
results['socket(AF_UNIX)'] = outcome('socket', (1, 1, 0))
results['chroot'] = outcome('chroot', (b'/',))
report(results)
`;

describe.skipIf(!isRoot || process.arch !== 'x64')(`the default seccomp profile from inside (${needsRoot}; x86-64)`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  it.each(PROCESSES)('refuses each call an escape starts from with EPERM, and clone3 with ENOSYS (%s)', async (_, run) => {
    const results = reported<Record<string, string>>(await run(dir, python(CALL_EACH(REFUSED))));
    const expected = Object.fromEntries(REFUSED.map((call) => [call.name, 'EPERM']));
    expect(results).toEqual({
      ...expected,
      'clone with CLONE_NEWUSER': 'EPERM',
      // glibc falls back to clone, whose flags the filter can read.
      clone3: 'ENOSYS',
      clone: 'ok',
      'socket(AF_UNIX)': 'ok',
      chroot: 'ok',
    });
  });

  it('answers them otherwise with "seccomp": "unconfined" (the opt-out)', async () => {
    await updateConfig(dir, { seccomp: 'unconfined' });
    const tried = REFUSED.filter((call) => call.unconfined !== undefined);
    const results = reported<Record<string, string>>(await asFirstProcess(dir, python(CALL_EACH(tried))));
    expect(results).toEqual({
      ...Object.fromEntries(tried.map((call) => [call.name, call.unconfined])),
      'clone with CLONE_NEWUSER': 'ok',
      clone3: 'EINVAL',
      clone: 'ok',
      'socket(AF_UNIX)': 'ok',
      chroot: 'ok',
    });
  });

  it('allows what a kept capability is for: CAP_SYS_ADMIN gets namespaces and mount calls', async () => {
    const config = await readConfig(dir);
    await updateConfig(dir, { capabilities: [...(config.capabilities as string[]), 'SYS_ADMIN'] });
    const calls = REFUSED.filter((call) => ['unshare', 'mount', 'keyctl'].includes(call.name));
    const results = reported<Record<string, string>>(await asFirstProcess(dir, python(CALL_EACH(calls))));
    expect(results).toMatchObject({ unshare: 'ok', mount: 'EFAULT', keyctl: 'EPERM', 'clone with CLONE_NEWUSER': 'ok', clone3: 'EINVAL' });
  });

  it("replaces the default with the config's own filter", async () => {
    await updateConfig(dir, { seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] } });
    const script = "keyring = call('keyctl', 0, -3, 1)\nreport({'keyctl': 'ok' if isinstance(keyring, int) else keyring, 'mkdir': oserror(lambda: os.mkdir('/tmp/x'))})";
    expect(reported(await asFirstProcess(dir, python(script)))).toEqual({ keyctl: 'ok', mkdir: 'EPERM' });
  });
});

describe.skipIf(!isRoot || !nativeExecutor)(`the default seccomp profile in a rootless container (${needsRoot} to create its user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('refuses the same calls, though root of its user namespace holds every capability there', () => {
    const results = reported<Record<string, string>>(runAsUser(rootless.dir(), python(CALL_EACH(REFUSED))));
    expect(results).toMatchObject({ ...Object.fromEntries(REFUSED.map((call) => [call.name, 'EPERM'])), 'clone with CLONE_NEWUSER': 'EPERM', clone3: 'ENOSYS', clone: 'ok' });
  });

  it('answers keyctl and unshare with "seccomp": "unconfined"', async () => {
    await updateConfig(rootless.dir(), { seccomp: 'unconfined' });
    const tried = REFUSED.filter((call) => call.name === 'keyctl' || call.name === 'unshare');
    expect(reported<Record<string, string>>(runAsUser(rootless.dir(), python(CALL_EACH(tried))))).toMatchObject({ keyctl: 'ok', unshare: 'ok' });
  });
});
