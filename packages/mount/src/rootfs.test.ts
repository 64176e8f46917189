import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { rootfsSteps } from './rootfs.js';
import { builder, show, testModel, testSystem } from './test-support.js';

describe('rootfsSteps', () => {
  it('plans a typical container', () => {
    const b = builder();
    const sys = testSystem({ '/srv/data': { type: 'directory' } });
    const model = testModel({
      mounts: [
        { kind: 'bind', source: '/srv/data', destination: '/data', readonly: true, private: false },
        { kind: 'tmpfs', source: 'tmpfs', destination: '/run', readonly: false, private: false, data: 'size=1m' },
      ],
      devices: [
        { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' },
      ],
    });
    rootfsSteps(b, model, sys);
    expect(show(b)).toMatchInlineSnapshot(`
      "
       0  mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)  # make / recursively private
       1  mount("/r", "/r", NULL, MS_BIND|MS_REC, NULL)  # bind /r onto itself
       2  mount("proc", "/r/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)  # mount proc on /r/proc
       3  mount("sysfs", "/r/sys", "sysfs", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)  # mount sysfs on /r/sys
       4  mount("tmpfs", "/r/dev", "tmpfs", MS_NOSUID|MS_STRICTATIME, "mode=755,size=65536k")  # mount tmpfs on /r/dev
       5  mknodat(AT_FDCWD, "/r/dev/null", 020666, makedev(1, 3))  # mknod /r/dev/null
       6  mknodat(AT_FDCWD, "/r/dev/zero", 020666, makedev(1, 5))  # mknod /r/dev/zero
       7  mknodat(AT_FDCWD, "/r/dev/full", 020666, makedev(1, 7))  # mknod /r/dev/full
       8  mknodat(AT_FDCWD, "/r/dev/random", 020666, makedev(1, 8))  # mknod /r/dev/random
       9  mknodat(AT_FDCWD, "/r/dev/urandom", 020666, makedev(1, 9))  # mknod /r/dev/urandom
      10  mknodat(AT_FDCWD, "/r/dev/tty", 020666, makedev(5, 0))  # mknod /r/dev/tty
      11  mkdirat(AT_FDCWD, "/r/dev/pts", 0755)  # mkdir /r/dev/pts
      12  mount("devpts", "/r/dev/pts", "devpts", MS_NOSUID|MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620,gid=5")  # mount devpts on /r/dev/pts
      13  mkdirat(AT_FDCWD, "/r/dev/shm", 01777)  # mkdir /r/dev/shm
      14  mount("shm", "/r/dev/shm", "tmpfs", MS_NOSUID|MS_NODEV|MS_NOEXEC, "mode=1777,size=65536k")  # mount tmpfs on /r/dev/shm
      15  mkdirat(AT_FDCWD, "/r/dev/mqueue", 0755)  # mkdir /r/dev/mqueue
      16  mount("mqueue", "/r/dev/mqueue", "mqueue", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)  # mount mqueue on /r/dev/mqueue
      17  symlinkat("pts/ptmx", AT_FDCWD, "/r/dev/ptmx")  # symlink /r/dev/ptmx -> pts/ptmx
      18  symlinkat("/proc/self/fd", AT_FDCWD, "/r/dev/fd")  # symlink /r/dev/fd -> /proc/self/fd
      19  symlinkat("/proc/self/fd/0", AT_FDCWD, "/r/dev/stdin")  # symlink /r/dev/stdin -> /proc/self/fd/0
      20  symlinkat("/proc/self/fd/1", AT_FDCWD, "/r/dev/stdout")  # symlink /r/dev/stdout -> /proc/self/fd/1
      21  symlinkat("/proc/self/fd/2", AT_FDCWD, "/r/dev/stderr")  # symlink /r/dev/stderr -> /proc/self/fd/2
      22  symlinkat("/proc/kcore", AT_FDCWD, "/r/dev/core")  # symlink /r/dev/core -> /proc/kcore
      23  mknodat(AT_FDCWD, "/r/dev/fuse", 020666, makedev(10, 229))  [EEXIST ok]  # mknod /r/dev/fuse
      24  mkdirat(AT_FDCWD, "/r/data", 0755)  # mkdir /r/data
      25  mount("/srv/data", "/r/data", NULL, MS_BIND|MS_REC, NULL)  # bind /srv/data on /r/data
      26  mount(NULL, "/r/data", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)  # remount /r/data read-only
      27  mkdirat(AT_FDCWD, "/r/run", 0755)  # mkdir /r/run
      28  mount("tmpfs", "/r/run", "tmpfs", MS_NOSUID|MS_NODEV, "size=1m")  # mount tmpfs on /r/run
      "
    `);
  });

  it('makes / a recursive slave with no_pivot_root', () => {
    const b = builder();
    rootfsSteps(b, testModel({ noPivotRoot: true }), testSystem());
    expect(b.build().steps[0]?.label).toBe('make / a recursive slave');
    expect(show(b)).toContain('mount(NULL, "/", NULL, MS_REC|MS_SLAVE, NULL)');
  });

  it('creates /proc, /sys and /dev when the rootfs lacks them', () => {
    const b = builder();
    rootfsSteps(b, testModel(), new FakeSystem({ files: { '/r/etc/passwd': '' } }));
    const plan = show(b);
    for (const dir of ['/r/proc', '/r/sys', '/r/dev']) expect(plan).toContain(`mkdirat(AT_FDCWD, "${dir}", 0755)`);
  });

  it('never mounts /proc through a symlink out of the rootfs', () => {
    const b = builder();
    rootfsSteps(b, testModel(), testSystem({ '/r/proc': { type: 'symlink', target: '/etc' } }));
    const plan = show(b);
    expect(plan).toContain('mount("proc", "/r/etc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)');
    expect(plan).not.toMatch(/"\/etc"/);
  });

  it('labels tmpfs, devpts and shm with the mount label', () => {
    const b = builder();
    const model = testModel({
      labels: { mountLabel: 'system_u:object_r:svirt_sandbox_file_t:s0:c1,c2' },
      mounts: [{ kind: 'tmpfs', source: 'tmpfs', destination: '/run', readonly: false, private: false }],
    });
    rootfsSteps(b, model, testSystem());
    const labelled = show(b)
      .split('\n')
      .filter((line) => line.includes('context='));
    expect(labelled).toHaveLength(4);
    expect(labelled[0]).toContain('"mode=755,size=65536k,context=\\"system_u:object_r:svirt_sandbox_file_t:s0:c1,c2\\""');
  });

  it('mounts /dev/mqueue only with an ipc namespace', () => {
    const without = builder();
    rootfsSteps(without, testModel({ namespaces: [{ kind: 'mount' }] }), testSystem());
    expect(show(without)).not.toContain('mqueue');
    const withIpc = builder();
    rootfsSteps(withIpc, testModel(), testSystem());
    expect(show(withIpc)).toContain('mount("mqueue", "/r/dev/mqueue", "mqueue", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)');
  });

  it('binds the pty slave on /dev/console only with a terminal', () => {
    const without = builder();
    rootfsSteps(without, testModel(), testSystem());
    expect(show(without)).not.toContain('console');
    const withTty = builder();
    rootfsSteps(withTty, testModel({ process: { terminal: true } }), testSystem(), { consolePath: '/dev/pts/7' });
    const lines = show(withTty).split('\n').filter((line) => line.includes('/r/dev/console'));
    expect(lines.map((line) => line.replace(/^\s*\d+\s+/, '').replace(/\$target-fd-\d+/, '$fd'))).toEqual([
      'openat(AT_FDCWD, "/r/dev/console", O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644) = $fd  # create /r/dev/console',
      'close($fd)  # close /r/dev/console',
      'mount("/dev/pts/7", "/r/dev/console", NULL, MS_BIND, NULL)  # bind the console on /dev/console',
    ]);
  });

  it('links /dev/core only when the kernel has /proc/kcore', () => {
    const b = builder();
    rootfsSteps(b, testModel(), new FakeSystem({ files: { '/r/proc': { type: 'directory' } } }));
    expect(show(b)).not.toContain('kcore');
  });

  it('binds the host /sys read-only in a user namespace without its own network', () => {
    const b = builder();
    rootfsSteps(b, testModel({ namespaces: [{ kind: 'mount' }, { kind: 'user' }] }), testSystem());
    const plan = show(b);
    expect(plan).not.toContain('sysfs');
    expect(plan).toContain('mount("/sys", "/r/sys", NULL, MS_BIND|MS_REC, NULL)');
    expect(plan).toContain('mount(NULL, "/r/sys", NULL, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND, NULL)');
  });

  it('resolves mounts below /dev against the new tmpfs, not the rootfs disk', () => {
    const b = builder();
    const sys = testSystem({ '/r/dev/old': { type: 'directory' } });
    const model = testModel({
      mounts: [
        { kind: 'tmpfs', source: 'shm', destination: '/dev/shm', readonly: false, private: false },
        { kind: 'tmpfs', source: 'tmpfs', destination: '/dev/old', readonly: false, private: false },
      ],
    });
    rootfsSteps(b, model, sys);
    const plan = show(b);
    // /dev/shm was made by the /dev steps: no second mkdir (it would fail with EEXIST).
    expect(plan.match(/mkdirat\(AT_FDCWD, "\/r\/dev\/shm"/g)).toHaveLength(1);
    // /dev/old exists on disk but is hidden by the tmpfs: it must be created.
    expect(plan).toContain('mkdirat(AT_FDCWD, "/r/dev/old", 0755)');
  });

  it('resolves a mount inside an earlier bind against the bind source', () => {
    const b = builder();
    const sys = testSystem({ '/srv/data/sub': { type: 'directory' }, '/srv/other': { type: 'directory' } });
    const model = testModel({
      mounts: [
        { kind: 'bind', source: '/srv/data', destination: '/data', readonly: false, private: false },
        { kind: 'bind', source: '/srv/other', destination: '/data/sub', readonly: false, private: false },
      ],
    });
    rootfsSteps(b, model, sys);
    const plan = show(b);
    expect(plan).toContain('mkdirat(AT_FDCWD, "/r/data", 0755)');
    expect(plan).not.toContain('mkdirat(AT_FDCWD, "/r/data/sub"');
  });

  it('lets a configured device replace a default node', () => {
    const b = builder();
    const model = testModel({
      devices: [
        { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o600, uid: 0, gid: 0, cgroupPermissions: 'rwm' },
      ],
    });
    rootfsSteps(b, model, testSystem());
    const nodes = show(b)
      .split('\n')
      .filter((line) => line.includes('"/r/dev/null"'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toContain('020600');
  });
});

describe('rootfsSteps errors', () => {
  it('blames the rootfs when /proc cannot be resolved', () => {
    const sys = testSystem({ '/r/proc': { type: 'symlink', target: 'proc' } });
    expect(() => rootfsSteps(builder(), testModel(), sys)).toThrow(/^rootfs: \/proc: .*ELOOP/);
  });
});
