// The /proc and /sys files that show the host's kernel to a container (/proc/keys,
// /proc/timer_list, /sys/firmware…), read from inside a container whose config says
// nothing about them: each is hidden, and stays hidden.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { DEFAULT_MASKED_PATHS } from '@lc/config-types';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { updateConfig, withContainerDirs } from '../harness.js';
import { nativeExecutor, runAsUser, useRootlessContainers } from '../rootless-user.js';
import { asFirstProcess, PROCESSES, python, reported } from './attack.js';

/** What the container sees at each path: a file's length, a directory's entries, or the errno. */
const LOOK = (paths: readonly string[]) => `
seen = {}
for path in ${JSON.stringify(paths)}:
    def look():
        if os.path.isdir(path):
            return {'entries': sorted(os.listdir(path)), 'create': oserror(lambda: open(path + '/x', 'w') and 'created')}
        with open(path, 'rb') as f:
            return {'bytes': len(f.read()), 'null': os.stat(path).st_rdev == os.makedev(1, 3)}
    seen[path] = oserror(look)
# Taking the mask off: a mount operation, refused.
seen['umount'] = call('umount2', b'/sys/firmware', 2) if os.path.isdir('/sys/firmware') else 'no /sys/firmware'
report(seen)
`;

/** What the host has there, as the container would see it without the mask. */
function onTheHost(path: string): 'absent' | 'file' | 'directory' {
  if (!existsSync(path)) return 'absent';
  return statSync(path).isDirectory() ? 'directory' : 'file';
}

type Seen = Record<string, string | { entries: string[]; create: string } | { bytes: number; null: boolean }>;

describe.skipIf(!isRoot)(`masked /proc and /sys paths from inside (${needsRoot})`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  it.each(PROCESSES)("hides Docker's masked paths: files read empty, directories list empty and take nothing (%s)", async (_, run) => {
    const seen = reported<Seen>(await run(dir, python(LOOK(DEFAULT_MASKED_PATHS))));
    for (const path of DEFAULT_MASKED_PATHS) {
      const host = onTheHost(path);
      if (host === 'file') expect(seen[path], path).toEqual({ bytes: 0, null: true });
      if (host === 'directory') expect(seen[path], path).toEqual({ entries: [], create: 'EROFS' });
      if (host === 'absent') expect(seen[path], path).toBe('ENOENT');
    }
    // On this host at least these show the host: the test would prove nothing without one.
    expect(DEFAULT_MASKED_PATHS.filter((path) => onTheHost(path) !== 'absent').length).toBeGreaterThan(1);
    expect(seen.umount).toBe(existsSync('/sys/firmware') ? 'EPERM' : 'no /sys/firmware');
  });

  it('shows them with "mask_paths": [] (the opt-out)', async () => {
    await updateConfig(dir, { mask_paths: [] });
    const shown = DEFAULT_MASKED_PATHS.filter((path) => onTheHost(path) !== 'absent');
    const seen = reported<Seen>(await asFirstProcess(dir, python(LOOK(shown))));
    for (const path of shown) {
      if (onTheHost(path) === 'directory') {
        // sysfs and procfs are the container's own mounts: the same kernel's entries.
        expect((seen[path] as { entries: string[] }).entries, path).toEqual(readdirSync(path).sort());
      } else {
        expect((seen[path] as { null: boolean }).null, path).toBe(false);
        // What it holds may depend on the reader (/proc/keys): timer_list does not.
        if (path === '/proc/timer_list') expect((seen[path] as { bytes: number }).bytes).toBeGreaterThan(0);
      }
    }
  });
});

describe.skipIf(!isRoot || !nativeExecutor)(`masked paths from inside a rootless container (${needsRoot} to create its user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('hides them there too', () => {
    const seen = reported<Seen>(runAsUser(rootless.dir(), python(LOOK(DEFAULT_MASKED_PATHS))));
    for (const path of DEFAULT_MASKED_PATHS) {
      if (onTheHost(path) === 'file') expect(seen[path], path).toEqual({ bytes: 0, null: true });
      if (onTheHost(path) === 'directory') expect(seen[path], path).toEqual({ entries: [], create: 'EROFS' });
    }
    expect(seen.umount).toBe(existsSync('/sys/firmware') ? 'EPERM' : 'no /sys/firmware');
  });
});
