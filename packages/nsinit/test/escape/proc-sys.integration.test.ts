// /proc/sys from inside a container whose config says nothing about it: container
// root with a writable /proc/sys set kernel.core_pattern to a program the host's
// kernel then ran as root in the host's namespaces. Every file must refuse a writer.
import { existsSync, readFileSync } from 'node:fs';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { updateConfig, withContainerDirs } from '../harness.js';
import { nativeExecutor, runAsUser, useRootlessContainers } from '../rootless-user.js';
import { asFirstProcess, PROCESSES, python, reported } from './attack.js';

/** Opens every file under /proc/sys (and /proc/sysrq-trigger) for writing, writing nothing. */
const OPEN_EVERY_FILE = `
found = {}
for root, dirs, files in os.walk('/proc/sys'):
    for name in files:
        path = os.path.join(root, name)
        writable = bool(os.stat(path).st_mode & 0o222)
        def opened():
            os.close(os.open(path, os.O_WRONLY))
            return 'opened'
        found[path] = [writable, oserror(opened)]
def trigger():
    os.close(os.open('/proc/sysrq-trigger', os.O_WRONLY))
    return 'opened'
report({'files': found, 'sysrq-trigger': oserror(trigger)})
`;

/** The write of the escape, with the value already there: harmless if it ever went through. */
const CORE_PATTERN = `
current = open('/proc/sys/kernel/core_pattern').read()
def write():
    with open('/proc/sys/kernel/core_pattern', 'w') as f:
        f.write(current)
    return 'written'
report(oserror(write))
`;

interface Opened {
  readonly files: Record<string, [writable: boolean, outcome: string]>;
  readonly 'sysrq-trigger': string;
}

describe.skipIf(!isRoot)(`/proc/sys from inside (${needsRoot})`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  it.each(PROCESSES)('refuses every file under /proc/sys to a writer (%s)', async (_, run) => {
    const { files, 'sysrq-trigger': trigger } = reported<Opened>(await run(dir, python(OPEN_EVERY_FILE)));
    const paths = Object.keys(files);
    expect(paths.length).toBeGreaterThan(500);
    expect(paths.filter((path) => files[path]![1] === 'opened'), 'opened for writing').toEqual([]);
    // The read-only mount refuses (EROFS); a file the kernel keeps from this writer
    // anyway fails its permission check first (EACCES: read-only sysctls, another
    // namespace's limits).
    expect(new Set(paths.map((path) => files[path]![1]))).toEqual(new Set(['EROFS', 'EACCES']));
    const refusedByTheMount = paths.filter((path) => files[path]![0] && files[path]![1] === 'EROFS');
    expect(refusedByTheMount.length).toBeGreaterThan(500);
    expect(refusedByTheMount).toContain('/proc/sys/kernel/core_pattern');
    // A kernel without CONFIG_MAGIC_SYSRQ has none.
    expect(trigger).toBe(existsSync('/proc/sysrq-trigger') ? 'EROFS' : 'ENOENT');
  });

  it("cannot set the host's kernel.core_pattern", async () => {
    const host = readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
    expect(reported(await asFirstProcess(dir, python(CORE_PATTERN)))).toBe('EROFS');
    expect(readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).toBe(host);
  });

  it('writes /proc/sys with "readonly_paths": [] (the opt-out)', async () => {
    await updateConfig(dir, { readonly_paths: [] });
    const script = `
def write():
    with open('/proc/sys/kernel/hostname', 'w') as f:
        f.write('written-through-proc')
    return os.uname().nodename
report(oserror(write))
`;
    // The container's own UTS namespace: the host's name stays.
    const host = readFileSync('/proc/sys/kernel/hostname', 'utf8');
    expect(reported(await asFirstProcess(dir, python(script)))).toBe('written-through-proc');
    expect(readFileSync('/proc/sys/kernel/hostname', 'utf8')).toBe(host);
  });
});

describe.skipIf(!isRoot || !nativeExecutor)(`/proc/sys from inside a rootless container (${needsRoot} to create its user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('refuses every file under /proc/sys to a writer, on a read-only mount', () => {
    const { files } = reported<Opened>(runAsUser(rootless.dir(), python(OPEN_EVERY_FILE)));
    const paths = Object.keys(files);
    expect(paths.length).toBeGreaterThan(500);
    expect(paths.filter((path) => files[path]![1] === 'opened'), 'opened for writing').toEqual([]);
    // Root of a user namespace fails most permission checks first (EACCES); the mount is read-only all the same.
    expect(reported(runAsUser(rootless.dir(), python("report(' /proc/sys ro,' in open('/proc/self/mountinfo').read())")))).toBe(true);
  });
});
