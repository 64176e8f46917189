// Device nodes from inside a container whose config has no `cgroups`: container root
// keeps CAP_MKNOD (Docker's list), so it can make any node — the devices cgroup must
// keep it from opening one: the host's disk, a loop device, /dev/kmsg.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { updateConfig, withContainerDirs } from '../harness.js';
import { nativeExecutor, runAsUser, useRootlessContainers } from '../rootless-user.js';
import { asFirstProcess, PROCESSES, python, reported } from './attack.js';

/** The block device the host's / is on, when it is one (a real disk, not an overlay). */
function hostRootDevice(): [number, number] | undefined {
  const dev = statSync('/').dev;
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return major === 0 ? undefined : [major, minor];
}

interface Node {
  readonly name: string;
  readonly type: 'b' | 'c';
  readonly major: number;
  readonly minor: number;
  readonly flags: 'O_RDONLY' | 'O_WRONLY' | 'O_RDWR';
}

const root = hostRootDevice();
const NODES: readonly Node[] = [
  ...(root ? [{ name: 'host-disk', type: 'b', major: root[0], minor: root[1], flags: 'O_RDONLY' } as const] : []),
  { name: 'loop0', type: 'b', major: 7, minor: 0, flags: 'O_RDWR' },
  { name: 'kmsg', type: 'c', major: 1, minor: 11, flags: 'O_WRONLY' },
];

/**
 * Whether host root opens the node, made in a temporary directory of the host: a
 * refusal inside proves the devices cgroup only where the host itself can open it
 * (a sandboxed host may refuse its own disk; a kernel without loop devices has none).
 */
function hostOpens(node: Node): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'lc-node-'));
  try {
    const path = join(dir, 'node');
    const made = spawnSync('mknod', [path, node.type, String(node.major), String(node.minor)]);
    if (made.status !== 0) throw new Error(`mknod ${node.name} on the host: ${made.stderr}`);
    closeSync(openSync(path, constants[node.flags]));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** mknod in /dev (the container's own tmpfs: the nodes go with it), then open; nothing is read or written. */
const MKNOD_AND_OPEN = (nodes: readonly Node[]) => `
import stat
result = {}
for node in ${JSON.stringify(nodes)}:
    path = '/dev/lc-' + node['name']
    kind = stat.S_IFBLK if node['type'] == 'b' else stat.S_IFCHR
    made = oserror(lambda: os.mknod(path, kind | 0o600, os.makedev(node['major'], node['minor'])) or 'made')
    def opened():
        os.close(os.open(path, getattr(os, node['flags'])))
        return 'opened'
    result[node['name']] = [made, oserror(opened)]
report(result)
`;

describe.skipIf(!isRoot)(`device nodes from inside (${needsRoot})`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  it.each(PROCESSES)('lets container root make any node but open none outside the allow-list (%s)', async (_, run) => {
    // A test that proves nothing is a failing test: this host must open some of them.
    expect(NODES.filter(hostOpens).map((node) => node.name)).toContain('kmsg');
    const result = reported<Record<string, [string, string]>>(await run(dir, python(MKNOD_AND_OPEN(NODES))));
    for (const node of NODES) expect(result[node.name], node.name).toEqual(['made', 'EPERM']);
  });

  it('opens them with "cgroups": { "device_access": true } (the opt-out)', async () => {
    await updateConfig(dir, { cgroups: { device_access: true } });
    // Opened only: nothing is read or written.
    const openable = NODES.filter(hostOpens);
    const result = reported<Record<string, [string, string]>>(await asFirstProcess(dir, python(MKNOD_AND_OPEN(openable))));
    for (const node of openable) expect(result[node.name], node.name).toEqual(['made', 'opened']);
  });
});

describe.skipIf(!isRoot || !nativeExecutor)(`device nodes from inside a rootless container (${needsRoot} to create its user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('makes no node at all: a user namespace cannot mknod (its /dev nodes are binds of the host\'s)', () => {
    const result = reported<Record<string, [string, string]>>(runAsUser(rootless.dir(), python(MKNOD_AND_OPEN(NODES))));
    for (const node of NODES) expect(result[node.name], node.name).toEqual(['EPERM', 'ENOENT']);
  });
});
