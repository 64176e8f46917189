// A container directory that needs no download: a small rootfs whose /usr (and
// /bin, /lib... where the host has them as directories) are read-only binds of the
// host's, with its own /etc, and a container.json beside it. Enough for a shell,
// coreutils and iproute2 from the host, and for every integration test.
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Host directories a program needs; each is a symlink (merged /usr) or gets a bind. */
const HOST_TREES = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
const EMPTY_DIRS = ['etc', 'proc', 'sys', 'dev', 'root', 'home', 'run', 'var', 'mnt'];

/** Docker's default keep-list: what a root process in a container usually needs. */
export const DEFAULT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
`;

export interface HostRootfsOptions {
  /** An interactive container: `tty: true`. */
  readonly tty?: boolean;
}

export async function createHostRootfs(dir: string, options: HostRootfsOptions = {}): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  const mounts: object[] = [];
  for (const name of HOST_TREES) {
    const host = `/${name}`;
    if (!existsSync(host)) continue;
    const target = join(rootfs, name);
    if (lstatSync(host).isSymbolicLink()) {
      if (!existsSync(target)) await symlink(readlinkSync(host), target);
    } else {
      await mkdir(target, { recursive: true });
      mounts.push({ type: 'bind', source: host, destination: host });
    }
  }
  for (const name of EMPTY_DIRS) await mkdir(join(rootfs, name), { recursive: true });
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await writeFile(join(rootfs, 'etc/passwd'), PASSWD);
  await writeFile(join(rootfs, 'etc/group'), GROUP);
  await writeFile(join(rootfs, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost\n');
  const uid = process.geteuid?.() ?? 0;
  const gid = process.getegid?.() ?? 0;
  const config = {
    rootfs: 'rootfs',
    hostname: 'lc',
    ...(options.tty ? { tty: true } : {}),
    namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: true, ...(uid !== 0 ? { NEWUSER: true } : {}) },
    // Made by an unprivileged user: a rootless container, whose root is that user.
    ...(uid !== 0
      ? {
          uid_mappings: [{ container_id: 0, host_id: uid, size: 1 }],
          gid_mappings: [{ container_id: 0, host_id: gid, size: 1 }],
        }
      : {}),
    capabilities: DEFAULT_CAPABILITIES,
    environment: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm', 'container=lc'],
    mounts,
  };
  await writeFile(join(dir, 'container.json'), `${JSON.stringify(config, null, 2)}\n`);
}
