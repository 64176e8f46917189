// startContainer on a real kernel: every assertion reads what the container sees
// from inside it (the output of a command it ran), or what it left on the host.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@lc/config-types';
import { ContainerRunningError, InitError, type RunningContainer, type StdioEntry, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  readConfig,
  removeAllContainerDirs,
  removeContainerDir,
  startTimeOf,
  updateConfig,
  waitForOutput,
} from './harness.js';

/** Docker's default keep-list (DEFAULT_CAPABILITIES) as a mask, written out by hand. */
const DEFAULT_CAP_MASK = '00000000a80425fb';
const MKNOD_MASK = (1n << 27n).toString(16).padStart(16, '0');
const NO_CAPS = '0000000000000000';

interface Output {
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const started: RunningContainer[] = [];

async function start(dir: string, args: string[], stdio: [StdioEntry, StdioEntry, StdioEntry] = ['ignore', 'pipe', 'pipe']) {
  const container = await startContainer({ dir, args, stdio });
  started.push(container);
  return container;
}

/** Runs `args` in the container of `dir` to its exit, collecting its output. */
async function run(dir: string, args: string[]): Promise<Output> {
  const container = await start(dir, args);
  const stdout = collect(container.stdout);
  const stderr = collect(container.stderr);
  const status = await container.exited;
  return { ...status, stdout: await stdout, stderr: await stderr };
}

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  if (stream === null) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(text));
  });
}

/** Runs a shell script in the container; fails the test on a non-zero exit. */
async function sh(dir: string, script: string): Promise<string> {
  const result = await run(dir, ['sh', '-c', script]);
  expect(result, result.stderr).toMatchObject({ exitCode: 0, signal: null });
  return result.stdout;
}

/** The "Key:\tvalue" lines of /proc/self/status as {CapEff: "…", SigIgn: "…"}. */
/** This process's hard limit of a /proc/self/limits row ("Max open files"). */
function parentHardLimit(row: string): number {
  return Number(readFileSync('/proc/self/limits', 'utf8').match(new RegExp(`^${row}\\s+\\S+\\s+(\\d+)`, 'm'))![1]);
}

function statusFields(status: string): Record<string, string> {
  return Object.fromEntries(
    status
      .split('\n')
      .map((line) => line.split(':\t'))
      .filter((pair): pair is [string, string] => pair.length === 2)
      .map(([key, value]) => [key, value.trim()]),
  );
}

interface MountEntry {
  readonly root: string;
  readonly point: string;
  readonly options: string[];
  readonly fstype: string;
  readonly superOptions: string[];
}

function parseMountinfo(text: string): MountEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-');
      return {
        root: fields[3]!,
        point: fields[4]!,
        options: fields[5]!.split(','),
        fstype: fields[separator + 1]!,
        superOptions: (fields[separator + 3] ?? '').split(','),
      };
    });
}

/** The entry that is visible at `point` (the last one mounted there). */
function mountAt(entries: MountEntry[], point: string): MountEntry | undefined {
  return entries.findLast((entry) => entry.point === point);
}

describe.skipIf(!isRoot)(`startContainer on a real kernel (${needsRoot})`, () => {
  let before: HostSnapshot;
  let dir: string;

  beforeEach(async () => {
    before = hostSnapshot();
    dir = await makeContainerDir({ hostname: 'lc-test' });
  });

  afterEach(async () => {
    // A failed assertion may leave a container running: end it before judging the host.
    for (const container of started.splice(0)) {
      container.kill('SIGKILL');
      await container.exited;
    }
    expectNoLeaks(before, dir);
    await removeContainerDir(dir);
  });

  afterAll(removeAllContainerDirs);

  it('runs the command as PID 1 of its own pid namespace, with the configured hostname', async () => {
    const out = await sh(dir, `echo $$; hostname; ls /proc | grep '^[0-9]'`);
    const [pid, hostname, ...pids] = out.trim().split('\n');
    expect(pid).toBe('1');
    expect(hostname).toBe('lc-test');
    // sh, ls and grep, nothing of the host's (the test runner is far above 3).
    expect(pids).toContain('1');
    expect(pids.length).toBeLessThanOrEqual(3);
    expect(pids).not.toContain(String(process.pid));
  });

  it('puts / on the rootfs with pivot_root', async () => {
    const out = await sh(dir, `stat -c %i /; cat /etc/hosts; ls /`);
    const [inode, ...rest] = out.trim().split('\n');
    expect(Number(inode)).toBe(statSync(join(dir, 'rootfs')).ino);
    expect(rest.join('\n')).toContain('127.0.0.1\tlocalhost');
    expect(rest).toEqual(expect.arrayContaining(['etc', 'proc', 'sys', 'dev', 'usr', 'tmp']));
    expect(rest).not.toContain('rootfs');
  });

  it('keeps the default capability list: effective, permitted, bounding', async () => {
    const status = statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout);
    expect(status.CapEff).toBe(DEFAULT_CAP_MASK);
    expect(status.CapPrm).toBe(DEFAULT_CAP_MASK);
    expect(status.CapBnd).toBe(DEFAULT_CAP_MASK);
    expect(status.CapAmb).toBe(NO_CAPS);
  });

  it('keeps exactly the configured capabilities', async () => {
    await updateConfig(dir, { capabilities: ['MKNOD'] });
    const status = statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout);
    expect(MKNOD_MASK).toBe('0000000008000000');
    expect(status.CapEff).toBe(MKNOD_MASK);
    expect(status.CapPrm).toBe(MKNOD_MASK);
    expect(status.CapBnd).toBe(MKNOD_MASK);
    // Not inheritable, not ambient: the kept list would pass to a non-root program whose
    // file marks it inheritable (CVE-2022-29162; test/escape/capabilities).
    expect(status.CapInh).toBe(NO_CAPS);
    expect(status.CapAmb).toBe(NO_CAPS);
  });

  it('drops every capability when the list is empty', async () => {
    await updateConfig(dir, { capabilities: [] });
    const status = statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout);
    for (const key of ['CapEff', 'CapPrm', 'CapBnd', 'CapInh', 'CapAmb']) expect(status[key], key).toBe(NO_CAPS);
  });

  it('resets the signal mask and ignored signals, and passes only fds 0-2', async () => {
    // cat and ls exec'd directly: a shell in between may ignore or block signals itself.
    const status = statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout);
    expect(status.SigBlk).toBe(NO_CAPS);
    expect(status.SigIgn).toBe(NO_CAPS);
    const fds = (await run(dir, ['ls', '/proc/self/fd'])).stdout.trim().split('\n');
    // ls opens one fd itself, for the directory it lists.
    expect(fds.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(fds.length).toBeLessThanOrEqual(4);
  });

  it("takes the caller's fds 0-2 in any order (stdio [0, 2, 1] swaps stdout and stderr)", async () => {
    // A process of its own, whose fds 1 and 2 are files: vitest's are not ours to give.
    const script = join(dir, 'crossed.mjs');
    writeFileSync(
      script,
      `import { startContainer } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};\n` +
        `const c = await startContainer({ dir: process.argv[2], args: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2'], stdio: ['ignore', 2, 1] });\n` +
        'process.exitCode = (await c.exited).exitCode;\n',
    );
    const [outFile, errFile] = [join(dir, 'out'), join(dir, 'err')];
    const [out, err] = [openSync(outFile, 'w'), openSync(errFile, 'w')];
    try {
      const result = spawnSync(process.execPath, [script, dir], { stdio: ['ignore', out, err], env: process.env });
      expect(result.status).toBe(0);
    } finally {
      closeSync(out);
      closeSync(err);
    }
    expect([readFileSync(outFile, 'utf8'), readFileSync(errFile, 'utf8')]).toEqual(['to-stderr\n', 'to-stdout\n']);
    for (const file of [script, outFile, errFile]) rmSync(file);
  });

  it('sets no_new_privs when the config asks, and only then', async () => {
    expect(statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout).NoNewPrivs).toBe('0');
    await updateConfig(dir, { no_new_privileges: true });
    expect(statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout).NoNewPrivs).toBe('1');
  });

  it('masks and makes read-only the configured rootfs paths: a file, a directory, a missing one', async () => {
    mkdirSync(join(dir, 'rootfs/srv/data'), { recursive: true });
    mkdirSync(join(dir, 'rootfs/opt/ro'), { recursive: true });
    writeFileSync(join(dir, 'rootfs/etc/secret'), 'hidden\n');
    writeFileSync(join(dir, 'rootfs/srv/data/file'), 'x');
    await updateConfig(dir, { mask_paths: ['/etc/secret', '/srv/data', '/no/such/path'], readonly_paths: ['/opt/ro'] });
    const result = await run(dir, ['sh', '-c', 'cat /etc/secret; ls -A /srv/data; echo listed; touch /opt/ro/x 2>&1; touch /tmp/rw && echo rw']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^listed\n.*Read-only file system\nrw\n$/);
  });

  it('filters system calls with the configured seccomp policy (the filter holds after the exec)', async () => {
    await updateConfig(dir, {
      seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errno_ret: 13 }] },
    });
    const result = await run(dir, ['sh', '-c', 'mkdir /tmp/denied 2>&1; touch /tmp/allowed && echo touched; grep ^Seccomp: /proc/self/status']);
    expect(result.stdout).toMatch(/Permission denied/);
    expect(result.stdout).toContain('touched\nSeccomp:\t2\n');
    expect(existsSync(join(dir, 'rootfs/tmp/denied'))).toBe(false);
  });

  it('applies argument conditions: socket() denied for AF_INET only', async () => {
    await updateConfig(dir, {
      seccomp: {
        default_action: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', errno_ret: 13, args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] }],
      },
    });
    const script = 'import socket\nsocket.socket(socket.AF_UNIX); print("unix ok")\ntry:\n  socket.socket(socket.AF_INET)\nexcept OSError as e: print("inet", e.errno)';
    const result = await run(dir, ['python3', '-c', script]);
    expect(result.stdout).toBe('unix ok\ninet 13\n');
  });

  it('installs the filter last with no_new_privileges: a killing action ends the process with SIGSYS', async () => {
    await updateConfig(dir, {
      no_new_privileges: true,
      seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }] },
    });
    const result = await run(dir, ['sh', '-c', 'echo before; exec mkdir /tmp/killed']);
    expect(result).toMatchObject({ exitCode: 128 + 31, signal: 'SIGSYS', stdout: 'before\n' });
  });

  it('refuses an unknown system call name in one line, naming it', async () => {
    await updateConfig(dir, { seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdri'], action: 'SCMP_ACT_ERRNO' }] } });
    await expect(start(dir, ['true'])).rejects.toThrow('seccomp.syscalls[0].names[0]: no system call "mkdri" on x86-64');
  });

  it('sets the configured resource limits', async () => {
    const hardFiles = parentHardLimit('Max open files');
    await updateConfig(dir, {
      rlimits: [
        { type: 'RLIMIT_NOFILE', soft: 100, hard: hardFiles - 1 },
        { type: 'CORE', soft: 0, hard: 0 },
      ],
    });
    const limits = (await run(dir, ['cat', '/proc/self/limits'])).stdout;
    expect(limits).toMatch(new RegExp(`^Max open files +100 +${hardFiles - 1} +files`, 'm'));
    expect(limits).toMatch(/^Max core file size +0 +0 +bytes/m);
  });

  it('raises a hard limit only with CAP_SYS_RESOURCE, and says so in one line otherwise', async () => {
    const hardFiles = parentHardLimit('Max open files') + 1;
    await updateConfig(dir, { rlimits: [{ type: 'NOFILE', soft: 100, hard: hardFiles }] });
    // Bit 24 of the effective set: raising a hard limit is checked against the caller.
    const capable = (BigInt(`0x${statusFields(readFileSync('/proc/self/status', 'utf8')).CapEff}`) >> 24n) & 1n;
    if (capable) {
      expect((await run(dir, ['cat', '/proc/self/limits'])).stdout).toMatch(new RegExp(`^Max open files +100 +${hardFiles} `, 'm'));
    } else {
      await expect(start(dir, ['true'])).rejects.toThrow(`rlimits[0]: RLIMIT_NOFILE soft 100, hard ${hardFiles}: prlimit64: EPERM`);
    }
  });

  it("writes the configured sysctls in the container's namespaces, not the host's", async () => {
    const host = ['net/ipv4/ip_forward', 'kernel/shmmni'].map((name) => readFileSync(`/proc/sys/${name}`, 'utf8'));
    const forward = host[0]!.trim() === '1' ? '0' : '1';
    await updateConfig(dir, { sysctl: { 'net.ipv4.ip_forward': forward, 'kernel.shmmni': '1234' }, context: { restrictions: '1' } });
    const result = await run(dir, ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni']);
    expect(result).toMatchObject({ exitCode: 0, stdout: `${forward}\n1234\n` });
    expect(['net/ipv4/ip_forward', 'kernel/shmmni'].map((name) => readFileSync(`/proc/sys/${name}`, 'utf8'))).toEqual(host);
  });

  it('sets umask 0022 and runs in the working directory with exactly the configured environment', async () => {
    await updateConfig(dir, { working_dir: '/tmp', environment: ['PATH=/usr/bin:/bin', 'HOME=/home/x', 'ONLY=this one'] });
    const env = (await run(dir, ['env'])).stdout.trim().split('\n').sort();
    expect(env).toEqual(['HOME=/home/x', 'ONLY=this one', 'PATH=/usr/bin:/bin']);
    expect((await sh(dir, 'umask; pwd')).trim().split('\n')).toEqual(['0022', '/tmp']);
  });

  it('sets HOME from /etc/passwd when the environment has none', async () => {
    await updateConfig(dir, { environment: ['PATH=/usr/bin:/bin'], user: 'nobody' });
    const env = (await run(dir, ['env'])).stdout.trim().split('\n').sort();
    expect(env).toEqual(['HOME=/nonexistent', 'PATH=/usr/bin:/bin']);
  });

  it('rejects with an InitError naming chdir when the working directory does not exist', async () => {
    await updateConfig(dir, { working_dir: '/nope' });
    const error = await start(dir, ['true']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InitError);
    expect((error as InitError).message).toBe('chdir /nope: ENOENT');
    expect((error as InitError).errno).toBe(2);
  });

  it('looks the program up in the container PATH', async () => {
    expect((await run(dir, ['readlink', '/proc/self/exe'])).stdout.trim()).toBe('/usr/bin/readlink');
    const missing = await start(dir, ['nosuchcmd']).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(InitError);
    expect((missing as InitError).message).toBe('exec nosuchcmd (searched PATH): ENOENT');
    // The container's PATH, not the host's: /usr/bin is not in it.
    await updateConfig(dir, { environment: ['PATH=/nowhere'] });
    const outside = await start(dir, ['id']).catch((caught: unknown) => caught);
    expect((outside as InitError).message).toMatch(/^exec id( \(searched PATH\))?: ENOENT$/);
  });

  it('mounts /proc, /sys, /dev, /dev/pts and /dev/shm with the usual flags', async () => {
    const mounts = parseMountinfo(await sh(dir, 'cat /proc/self/mountinfo'));
    expect(mountAt(mounts, '/')?.root).toBe(join(dir, 'rootfs'));
    const proc = mountAt(mounts, '/proc');
    expect(proc?.fstype).toBe('proc');
    expect(proc?.options).toEqual(expect.arrayContaining(['rw', 'nosuid', 'nodev', 'noexec']));
    expect(mountAt(mounts, '/sys')).toMatchObject({ fstype: 'sysfs', options: expect.arrayContaining(['ro']) });
    expect(mountAt(mounts, '/dev')?.fstype).toBe('tmpfs');
    expect(mountAt(mounts, '/dev/pts')).toMatchObject({
      fstype: 'devpts',
      superOptions: expect.arrayContaining(['ptmxmode=666', 'mode=620', 'gid=5']),
    });
    expect(mountAt(mounts, '/dev/shm')?.fstype).toBe('tmpfs');
    // No restrictions configured, but Docker's read-only paths by default: /proc/sys is
    // a read-only bind of its own (test/escape/proc-sys writes to every file in it).
    expect(mountAt(mounts, '/proc/sys')).toMatchObject({ fstype: 'proc', options: expect.arrayContaining(['ro']) });
    // The host's own mounts are not visible.
    expect(mounts.map((entry) => entry.point)).not.toContain(join(dir, 'rootfs'));
  });

  it('creates the standard device nodes and links in /dev', async () => {
    const out = await sh(
      dir,
      `stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
       for l in ptmx fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done
       echo hello > /dev/null && head -c 4 /dev/zero | od -An -tx1`,
    );
    expect(out.trim().split('\n')).toEqual([
      '/dev/null character special file 1:3 666',
      '/dev/zero character special file 1:5 666',
      '/dev/full character special file 1:7 666',
      '/dev/random character special file 1:8 666',
      '/dev/urandom character special file 1:9 666',
      '/dev/tty character special file 5:0 666',
      'ptmx -> pts/ptmx',
      'fd -> /proc/self/fd',
      'stdin -> /proc/self/fd/0',
      'stdout -> /proc/self/fd/1',
      'stderr -> /proc/self/fd/2',
      ' 00 00 00 00',
    ]);
  });

  it('creates configured device nodes', async () => {
    await updateConfig(dir, {
      device_nodes: [{ type: 99, path: '/dev/fuse', major_number: 10, minor_number: 229, file_mode: 438 }],
    });
    // stat prints major and minor in hex: 10:229 is a:e5.
    expect((await sh(dir, `stat -c '%F %t:%T %a' /dev/fuse`)).trim()).toBe('character special file a:e5 666');
  });

  it('applies the restrictions: /proc/sys and friends read-only, /proc itself writable', async () => {
    await updateConfig(dir, { context: { restrictions: '1' } });
    // Nothing here writes a sysctl: the ns_last_pid write must fail (and would only touch
    // the container's own pid namespace if it did not).
    const out = await sh(
      dir,
      `cat /proc/self/mountinfo; echo ---
       echo "sysctl: $( (echo 1 > /proc/sys/kernel/ns_last_pid && echo written) 2>&1)"
       echo renamed > /proc/self/comm && echo "comm: $(cat /proc/$$/comm)"
       [ -e /proc/kcore ] && echo "kcore: $(wc -c < /proc/kcore)"
       [ -e /proc/sysrq-trigger ] && { [ -w /proc/sysrq-trigger ] && echo sysrq: writable || echo sysrq: ro; }
       true`,
    );
    const [mountinfo = '', rest = ''] = out.split('---\n');
    const mounts = parseMountinfo(mountinfo);
    for (const path of ['/proc/sys', '/proc/irq', '/proc/bus', '/sys']) {
      expect(mountAt(mounts, path)?.options, path).toContain('ro');
    }
    expect(mountAt(mounts, '/proc')?.options).toContain('rw');
    const lines = rest.trim().split('\n');
    expect(lines[0]).toMatch(/^sysctl: .*Read-only file system$/);
    expect(lines[1]).toBe('comm: renamed');
    // Kernels without CONFIG_PROC_KCORE / CONFIG_MAGIC_SYSRQ have neither file.
    expect(lines.includes('kcore: 0')).toBe(existsSync('/proc/kcore'));
    expect(lines.includes('sysrq: ro')).toBe(existsSync('/proc/sysrq-trigger'));
    expect(lines).not.toContain('sysrq: writable');
  });

  it('binds read-only by default, writable on request, creating missing destinations inside the rootfs', async () => {
    const source = join(dir, 'shared');
    mkdirSync(source);
    writeFileSync(join(source, 'hello'), 'hi\n');
    // A destination through a symlink that points out of the rootfs must land inside it.
    symlinkSync('/etc', join(dir, 'rootfs', 'data'));
    const config = await readConfig(dir);
    await updateConfig(dir, {
      mounts: [
        ...(config.mounts as object[]),
        { type: 'bind', source, destination: '/ro/deep' },
        { type: 'bind', source, destination: '/rw', writable: true },
        { type: 'bind', source, destination: '/data/lc-escape' },
      ],
    });
    const out = await sh(
      dir,
      `cat /ro/deep/hello
       touch /ro/deep/nope 2>&1 || true
       echo written > /rw/new
       ls /etc/lc-escape`,
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('hi');
    expect(lines[1]).toMatch(/Read-only file system/);
    expect(lines[2]).toBe('hello');
    expect(readFileSync(join(source, 'new'), 'utf8')).toBe('written\n');
    expect(existsSync(join(source, 'nope'))).toBe(false);
    expect(lstatSync(join(dir, 'rootfs', 'ro', 'deep')).isDirectory()).toBe(true);
    expect(lstatSync(join(dir, 'rootfs', 'etc', 'lc-escape')).isDirectory()).toBe(true);
    expect(existsSync('/etc/lc-escape')).toBe(false);
  });

  it('works without pivot_root (MS_MOVE + chroot)', async () => {
    await updateConfig(dir, { no_pivot_root: true });
    const out = await sh(dir, `echo $$; stat -c %i /; ls /; touch /tmp/ok && echo writable`);
    const [pid, inode, ...rest] = out.trim().split('\n');
    expect(pid).toBe('1');
    expect(Number(inode)).toBe(statSync(join(dir, 'rootfs')).ino);
    expect(rest).toEqual(expect.arrayContaining(['etc', 'usr', 'writable']));
    expect(rest).not.toContain('rootfs');
    expect(existsSync(join(dir, 'rootfs', 'tmp', 'ok'))).toBe(true);
  });

  it('makes the root read-only with readonly_fs, leaving a configured tmpfs writable', async () => {
    const config = await readConfig(dir);
    await updateConfig(dir, {
      readonly_fs: true,
      mounts: [...(config.mounts as object[]), { type: 'tmpfs', destination: '/tmp' }],
    });
    const out = await sh(
      dir,
      `touch /x 2>&1 || true
       touch /tmp/x && echo tmp-writable
       grep ' /tmp ' /proc/self/mountinfo | cut -d' ' -f5,9`,
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/Read-only file system/);
    expect(lines.slice(1)).toEqual(['tmp-writable', '/tmp tmpfs']);
    expect(existsSync(join(dir, 'rootfs', 'x'))).toBe(false);
    expect(existsSync(join(dir, 'rootfs', 'tmp', 'x'))).toBe(false);
  });

  it('switches to the user in each of its four forms', async () => {
    const cases: [string, string][] = [
      ['nobody', 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)'],
      ['65534', 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)'],
      ['nobody:nogroup', 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)'],
      ['1000:1000', 'uid=1000 gid=1000 groups=1000'],
    ];
    for (const [user, expected] of cases) {
      await updateConfig(dir, { user });
      expect((await run(dir, ['id'])).stdout.trim(), user).toBe(expected);
    }
  });

  it('adds the configured additional groups, by name and by gid', async () => {
    await updateConfig(dir, { user: 'nobody', additional_groups: ['tty', 1234] });
    expect((await run(dir, ['id', '-G'])).stdout.trim()).toBe('65534 5 1234');
  });

  it('gives a named user its supplementary groups, and a non-root user no effective capabilities', async () => {
    const group = join(dir, 'rootfs', 'etc', 'group');
    writeFileSync(group, `${readFileSync(group, 'utf8')}staff:x:50:nobody\n`);
    await updateConfig(dir, { user: 'nobody' });
    expect((await run(dir, ['id'])).stdout.trim()).toBe(
      'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup),50(staff)',
    );
    const status = statusFields((await run(dir, ['cat', '/proc/self/status'])).stdout);
    expect(status.CapEff).toBe(NO_CAPS);
    expect(status.CapPrm).toBe(NO_CAPS);
    expect(status.CapBnd).toBe(DEFAULT_CAP_MASK);
  });

  it('gives the container a network stack of its own with only the loopback, up', async () => {
    const out = await sh(dir, 'ls /sys/class/net; cat /sys/class/net/lo/flags; ip -o -4 addr show lo');
    const [device, flags, address] = out.trim().split('\n');
    expect(device).toBe('lo');
    expect(Number(flags) & 0x1, 'IFF_UP').toBe(1);
    expect(address).toMatch(/inet 127\.0\.0\.1\/8/);
  });

  it('shares what it does not unshare: the host network and pid namespaces', async () => {
    await updateConfig(dir, { namespaces: { NEWNS: true, NEWUTS: true } });
    const container = await start(dir, ['sh', '-c', 'echo $$; ls /sys/class/net; hostname']);
    const out = await collect(container.stdout);
    expect(await container.exited).toEqual({ exitCode: 0, signal: null });
    const [pid, ...rest] = out.trim().split('\n');
    expect(Number(pid)).toBe(container.pid);
    expect(rest).toEqual([...readdirSync('/sys/class/net').sort(), 'lc-test']);
  });

  it('refuses a hostname without NEWUTS, and a container without NEWNS', async () => {
    const hostname = readFileSync('/proc/sys/kernel/hostname', 'utf8');
    await updateConfig(dir, { namespaces: { NEWNS: true, NEWPID: true } });
    await expect(start(dir, ['true'])).rejects.toThrow('hostname: needs the NEWUTS namespace');
    await updateConfig(dir, { namespaces: { NEWUTS: true, NEWPID: true } });
    await expect(start(dir, ['true'])).rejects.toThrow(/^namespaces\.NEWNS: required/);
    expect(readFileSync('/proc/sys/kernel/hostname', 'utf8')).toBe(hostname);
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
  });

  it('passes the exit code through', async () => {
    expect(await run(dir, ['sh', '-c', 'exit 3'])).toMatchObject({ exitCode: 3, signal: null });
  });

  it('reports a container killed by a signal as 128 + N', async () => {
    const container = await start(dir, ['sh', '-c', 'echo ready; exec sleep 1000']);
    await waitForOutput(container.stdout!, 'ready');
    expect(container.kill('SIGKILL')).toBe(true);
    expect(await container.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' });
  });

  it('records pid and start while the container runs, and removes them at exit', async () => {
    const container = await start(dir, ['cat'], ['pipe', 'pipe', 'pipe']);
    // cat echoes a line only once it runs: the container is set up by then.
    container.stdin!.write('ready\n');
    await waitForOutput(container.stdout!, 'ready');
    expect(readFileSync(join(dir, 'pid'), 'utf8').trim()).toBe(String(container.pid));
    expect(readFileSync(join(dir, 'start'), 'utf8').trim()).toBe(startTimeOf(container.pid));
    expect(readFileSync(`/proc/${container.pid}/comm`, 'utf8').trim()).toBe('cat');
    // The host sees the container in other namespaces than its own.
    for (const ns of ['pid', 'uts', 'ipc', 'net', 'mnt']) {
      expect(readlinkNs(container.pid, ns), ns).not.toBe(readlinkNs(process.pid, ns));
    }
    // A second start in the same directory sees the running container.
    await expect(startContainer({ dir, args: ['true'], stdio: ['ignore', 'ignore', 'ignore'] })).rejects.toBeInstanceOf(
      ContainerRunningError,
    );
    container.stdin!.end();
    expect(await container.exited).toEqual({ exitCode: 0, signal: null });
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
  });

  it('keeps the output of a container that exited before it was read', async () => {
    const container = await start(dir, ['sh', '-c', 'echo early; echo late >&2']);
    // Node drains unread child stdio at exit; the container's streams must not lose it.
    await container.exited;
    expect(await collect(container.stdout)).toBe('early\n');
    expect(await collect(container.stderr)).toBe('late\n');
  });

  it('runs containers of many directories at once', async () => {
    // Each start's child briefly holds copies of the other directories' locks.
    const dirs = [dir, ...(await Promise.all(Array.from({ length: 7 }, () => makeContainerDir())))];
    const statuses = await Promise.all(
      dirs.map(async (each) => {
        const exits: number[] = [];
        for (let i = 0; i < 8; i++) exits.push((await (await start(each, ['true'])).exited).exitCode);
        return exits;
      }),
    );
    expect(statuses.flat()).toEqual(Array.from({ length: 64 }, () => 0));
    for (const each of dirs.slice(1)) await removeContainerDir(each);
  });

  it('lets only one of concurrent starts in one directory run', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () => start(dir, ['sh', '-c', 'read line'], ['pipe', 'pipe', 'pipe'])),
    );
    const started = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason] : []));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const reason of refused) expect(reason).toBeInstanceOf(ContainerRunningError);
    const [container] = started;
    expect(readFileSync(join(dir, 'pid'), 'utf8').trim()).toBe(String(container!.pid));
    container!.stdin!.end('\n');
    await container!.exited;
    expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
  });

  it('removes pid and start when the container is killed', async () => {
    const container = await start(dir, ['sh', '-c', 'echo ready; exec sleep 1000']);
    await waitForOutput(container.stdout!, 'ready');
    expect(existsSync(join(dir, 'pid'))).toBe(true);
    container.kill('SIGKILL');
    await container.exited;
    expect(existsSync(join(dir, 'pid'))).toBe(false);
    expect(existsSync(join(dir, 'start'))).toBe(false);
  });

  it('rejects a bad config with a ConfigError and creates nothing', async () => {
    const configs: [string, string][] = [
      ['{"hostname": ', 'unexpected end of JSON input'],
      ['{"namespaces": {"NEWNS": true, "NEWFOO": true}}', 'namespaces.NEWFOO: unknown namespace'],
      ['{"capabilities": ["MKNOD", "FLY"]}', 'capabilities[1]: unknown capability "FLY"'],
    ];
    for (const [text, message] of configs) {
      writeFileSync(join(dir, 'container.json'), text);
      const error = await start(dir, ['true']).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error), text).toBe(true);
      expect((error as Error).message).toContain(message);
      expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
    }
  });
});

/** "pid:[4026531836]": the identity of a process's namespace. */
function readlinkNs(pid: number, ns: string): string {
  return readlinkSync(`/proc/${pid}/ns/${ns}`);
}
