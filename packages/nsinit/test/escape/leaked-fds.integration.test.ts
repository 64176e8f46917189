// The runc escapes that went through the runtime's own fds and binary:
// CVE-2024-21626 (a working directory of /proc/self/fd/N, N a directory fd the runtime
// leaked, put the process's cwd on the host) and CVE-2019-5736 (a container process
// reopened the runtime's binary through /proc/<pid>/exe while it ran inside, and
// overwrote it on the host). lc's processes hold only the fds they were given, and
// their image before exec is a sealed memfd nobody in the container may open.
import { execInContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { readAll, updateConfig, waitForOutput, withContainerDirs } from '../harness.js';

const joinable = process.arch === 'x64' && process.env.LC_EXECUTOR !== 'node';

/** Whether the working directory leads out: climbing `..` from it must end at the container's root. */
const CLIMB = `
import os
here = os.stat('.')
top = os.stat('/'.join(['..'] * 40))
root = os.stat('/')
print('inside' if (top.st_dev, top.st_ino) == (root.st_dev, root.st_ino) else 'OUTSIDE', sorted(os.listdir('/proc/self/fd')))
`;

/**
 * Spins on the next pid and holds O_PATH fds of its exe while it exists; each must be
 * a binary of the container through the container's own mounts, or lc's sealed
 * executor image (exec'ing /proc/self/exe from a joined process runs that image as
 * the container's own process). Then tries to reopen each for writing and change it.
 */
const OVERWRITE = `
import os, select
print('ready', flush=True)
last = lambda: int(open('/proc/sys/kernel/ns_last_pid').read())
mount_of = lambda fd: [l for l in open('/proc/self/fdinfo/%d' % fd) if l.startswith('mnt_id:')][0].split()[1]
held, escapes, done = 0, [], False
while not done:
    nxt = last() + 1
    spins = 0
    while not os.path.exists('/proc/%d' % nxt) and last() < nxt:
        spins += 1
        if spins % 4096 == 0 and select.select([0], [], [], 0)[0] and not os.read(0, 1):
            done = True
            break
    fds = []
    while os.path.exists('/proc/%d' % nxt):
        try:
            fds.append(os.open('/proc/%d/exe' % nxt, os.O_PATH))
        except OSError:
            pass
    held += len(fds)
    for fd in fds:
        target = os.readlink('/proc/self/fd/%d' % fd)
        if not target.startswith('/memfd:'):
            # A binary of the container's own, through the container's own mounts
            # (its /usr is a read-only bind): not the host's mount of it.
            try:
                mine = os.open(target, os.O_PATH)
                if mount_of(mine) != mount_of(fd):
                    escapes.append('exe on a host mount: ' + target)
                os.close(mine)
            except OSError:
                escapes.append('exe outside the container: ' + target)
        try:
            w = os.open('/proc/self/fd/%d' % fd, os.O_WRONLY)
        except OSError:
            os.close(fd)
            continue
        for change in (lambda: os.pwrite(w, b'\\x7fELF', 0), lambda: os.ftruncate(w, 0)):
            try:
                change()
                escapes.append('changed ' + target)
            except OSError:
                pass
        os.close(w)
        os.close(fd)
print('held', held, 'escapes', sorted(set(escapes)), flush=True)
`;

describe.skipIf(!isRoot)(`the runtime's fds and binary (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  it('a working directory of /proc/self/fd/N never leads out of the container (CVE-2024-21626)', async () => {
    for (let fd = 3; fd <= 32; fd++) {
      await updateConfig(dir, { working_dir: `/proc/self/fd/${fd}` });
      const started = await startContainer({ dir, args: ['python3', '-c', CLIMB], stdio: ['ignore', 'pipe', 'pipe'] }).then(
        (container) => container,
        (error: Error) => error,
      );
      if (started instanceof Error) {
        // No such fd, or not a directory: the start fails at that step, in one line.
        expect(started.message).toMatch(new RegExp(`^chdir /proc/self/fd/${fd}: (ENOENT|ENOTDIR|EBADF)$`));
        continue;
      }
      const [stdout, stderr] = await Promise.all([readAll(started.stdout), readAll(started.stderr)]);
      await started.exited;
      expect(stderr).toBe('');
      // Its own fds: stdio and the one listing /proc/self/fd.
      expect(stdout.trim()).toBe("inside ['0', '1', '2', '3']");
    }
  });

  it.skipIf(!joinable)("a joined process's image is never the host's binary, and cannot be changed through /proc/<pid>/exe (CVE-2019-5736)", async () => {
    const attacker = await startContainer({ dir, args: ['python3', '-c', OVERWRITE], stdio: ['pipe', 'pipe', 'pipe'] });
    const errors = readAll(attacker.stderr);
    await waitForOutput(attacker.stdout!, 'ready');
    const output = readAll(attacker.stdout);
    // The container's own binary, as runc's exploit used: #!/proc/self/exe, and the
    // joined process itself exec'ing /proc/self/exe.
    for (let i = 0; i < 50; i++) {
      for (const args of [['/proc/self/exe'], ['true']]) {
        const joined = await execInContainer({ dir, args, stdio: ['ignore', 'ignore', 'ignore'] });
        await joined.exited;
      }
    }
    attacker.stdin!.end();
    await attacker.exited;
    expect(await errors).toBe('');
    expect((await output).trim()).toMatch(/^held [1-9]\d* escapes \[\]$/);
  });
});
