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
        1  openat(AT_FDCWD, "/r", O_DIRECTORY|O_CLOEXEC|O_PATH, 0) = $target  # rootfs: open /r
        2  open_tree($target, "", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_EMPTY_PATH|AT_RECURSIVE) = $rootfs  # bind /r onto itself: open_tree
        3  move_mount($rootfs, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # bind /r onto itself
        4  close($target)  # rootfs: close /r
        5  fsopen("proc", FSOPEN_CLOEXEC) = $fs  # mount proc on /proc: fsopen proc
        6  fsconfig($fs, FSCONFIG_SET_STRING, "source", "proc", 0)  # mount proc on /proc: option source=proc
        7  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount proc on /proc: create the proc filesystem
        8  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC) = $mount  # mount proc on /proc: fsmount
        9  close($fs)  # mount proc on /proc: close the filesystem context
       10  openat2($rootfs, "/proc", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mount proc on /proc: open /proc
       11  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount proc on /proc: attach
       12  close($target)  # mount proc on /proc: close /proc
       13  close($mount)  # mount proc on /proc: close the mount
       14  fsopen("sysfs", FSOPEN_CLOEXEC) = $fs  # mount sysfs on /sys: fsopen sysfs
       15  fsconfig($fs, FSCONFIG_SET_STRING, "source", "sysfs", 0)  # mount sysfs on /sys: option source=sysfs
       16  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount sysfs on /sys: create the sysfs filesystem
       17  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC) = $mount  # mount sysfs on /sys: fsmount
       18  close($fs)  # mount sysfs on /sys: close the filesystem context
       19  openat2($rootfs, "/sys", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mount sysfs on /sys: open /sys
       20  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount sysfs on /sys: attach
       21  close($target)  # mount sysfs on /sys: close /sys
       22  close($mount)  # mount sysfs on /sys: close the mount
       23  fsopen("tmpfs", FSOPEN_CLOEXEC) = $fs  # mount tmpfs on /dev: fsopen tmpfs
       24  fsconfig($fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0)  # mount tmpfs on /dev: option source=tmpfs
       25  fsconfig($fs, FSCONFIG_SET_STRING, "mode", "755", 0)  # mount tmpfs on /dev: option mode=755
       26  fsconfig($fs, FSCONFIG_SET_STRING, "size", "65536k", 0)  # mount tmpfs on /dev: option size=65536k
       27  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount tmpfs on /dev: create the tmpfs filesystem
       28  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_STRICTATIME) = $dev  # mount tmpfs on /dev: fsmount
       29  close($fs)  # mount tmpfs on /dev: close the filesystem context
       30  mknodat($dev, "null", 020666, makedev(1, 3))  # mknod /dev/null
       31  mknodat($dev, "zero", 020666, makedev(1, 5))  # mknod /dev/zero
       32  mknodat($dev, "full", 020666, makedev(1, 7))  # mknod /dev/full
       33  mknodat($dev, "random", 020666, makedev(1, 8))  # mknod /dev/random
       34  mknodat($dev, "urandom", 020666, makedev(1, 9))  # mknod /dev/urandom
       35  mknodat($dev, "tty", 020666, makedev(5, 0))  # mknod /dev/tty
       36  mkdirat($dev, "pts", 0755)  # mkdir /dev/pts
       37  mkdirat($dev, "shm", 01777)  # mkdir /dev/shm
       38  mkdirat($dev, "mqueue", 0755)  # mkdir /dev/mqueue
       39  symlinkat("pts/ptmx", $dev, "ptmx")  # symlink /dev/ptmx -> pts/ptmx
       40  symlinkat("/proc/self/fd", $dev, "fd")  # symlink /dev/fd -> /proc/self/fd
       41  symlinkat("/proc/self/fd/0", $dev, "stdin")  # symlink /dev/stdin -> /proc/self/fd/0
       42  symlinkat("/proc/self/fd/1", $dev, "stdout")  # symlink /dev/stdout -> /proc/self/fd/1
       43  symlinkat("/proc/self/fd/2", $dev, "stderr")  # symlink /dev/stderr -> /proc/self/fd/2
       44  symlinkat("/proc/kcore", $dev, "core")  # symlink /dev/core -> /proc/kcore
       45  openat2($rootfs, "/dev", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # rootfs: open /dev
       46  move_mount($dev, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount tmpfs on /dev: attach
       47  close($target)  # rootfs: close /dev
       48  fsopen("devpts", FSOPEN_CLOEXEC) = $fs  # mount devpts on /dev/pts: fsopen devpts
       49  fsconfig($fs, FSCONFIG_SET_STRING, "source", "devpts", 0)  # mount devpts on /dev/pts: option source=devpts
       50  fsconfig($fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0)  # mount devpts on /dev/pts: option newinstance
       51  fsconfig($fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0)  # mount devpts on /dev/pts: option ptmxmode=0666
       52  fsconfig($fs, FSCONFIG_SET_STRING, "mode", "620", 0)  # mount devpts on /dev/pts: option mode=620
       53  fsconfig($fs, FSCONFIG_SET_STRING, "gid", "5", 0)  # mount devpts on /dev/pts: option gid=5
       54  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount devpts on /dev/pts: create the devpts filesystem
       55  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NOEXEC) = $mount  # mount devpts on /dev/pts: fsmount
       56  close($fs)  # mount devpts on /dev/pts: close the filesystem context
       57  openat2($dev, "pts", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mount devpts on /dev/pts: open pts
       58  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount devpts on /dev/pts: attach
       59  close($target)  # mount devpts on /dev/pts: close pts
       60  close($mount)  # mount devpts on /dev/pts: close the mount
       61  fsopen("tmpfs", FSOPEN_CLOEXEC) = $fs  # mount tmpfs on /dev/shm: fsopen tmpfs
       62  fsconfig($fs, FSCONFIG_SET_STRING, "source", "shm", 0)  # mount tmpfs on /dev/shm: option source=shm
       63  fsconfig($fs, FSCONFIG_SET_STRING, "mode", "1777", 0)  # mount tmpfs on /dev/shm: option mode=1777
       64  fsconfig($fs, FSCONFIG_SET_STRING, "size", "65536k", 0)  # mount tmpfs on /dev/shm: option size=65536k
       65  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount tmpfs on /dev/shm: create the tmpfs filesystem
       66  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC) = $mount  # mount tmpfs on /dev/shm: fsmount
       67  close($fs)  # mount tmpfs on /dev/shm: close the filesystem context
       68  openat2($dev, "shm", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mount tmpfs on /dev/shm: open shm
       69  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount tmpfs on /dev/shm: attach
       70  close($target)  # mount tmpfs on /dev/shm: close shm
       71  close($mount)  # mount tmpfs on /dev/shm: close the mount
       72  fsopen("mqueue", FSOPEN_CLOEXEC) = $fs  # mount mqueue on /dev/mqueue: fsopen mqueue
       73  fsconfig($fs, FSCONFIG_SET_STRING, "source", "mqueue", 0)  # mount mqueue on /dev/mqueue: option source=mqueue
       74  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mount mqueue on /dev/mqueue: create the mqueue filesystem
       75  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC) = $mount  # mount mqueue on /dev/mqueue: fsmount
       76  close($fs)  # mount mqueue on /dev/mqueue: close the filesystem context
       77  openat2($dev, "mqueue", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mount mqueue on /dev/mqueue: open mqueue
       78  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mount mqueue on /dev/mqueue: attach
       79  close($target)  # mount mqueue on /dev/mqueue: close mqueue
       80  close($mount)  # mount mqueue on /dev/mqueue: close the mount
       81  close($dev)  # close /dev
       82  openat2($rootfs, "/dev", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # devices[0].path: open /dev
       83  mknodat($parent, "fuse", 020666, makedev(10, 229))  [EEXIST ok]  # devices[0].path: mknod /dev/fuse
       84  close($parent)  # devices[0].path: close /dev
       85  openat2($rootfs, "/", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[0].destination: open /
       86  mkdirat($parent, "data", 0755)  [EEXIST ok]  # mounts[0].destination: mkdir /data
       87  close($parent)  # mounts[0].destination: close /
       88  open_tree(AT_FDCWD, "/srv/data", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source  # mounts[0].source: open_tree /srv/data
       89  mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY}, 32)  # mounts[0]: make the bind read-only
       90  openat2($rootfs, "/data", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[0].destination: open /data
       91  move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[0].destination: attach
       92  close($target)  # mounts[0].destination: close /data
       93  close($source)  # mounts[0].destination: close the mount
       94  openat2($rootfs, "/", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $parent  # mounts[1].destination: open /
       95  mkdirat($parent, "run", 0755)  [EEXIST ok]  # mounts[1].destination: mkdir /run
       96  close($parent)  # mounts[1].destination: close /
       97  fsopen("tmpfs", FSOPEN_CLOEXEC) = $fs  # mounts[1] (tmpfs on /run): fsopen tmpfs
       98  fsconfig($fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0)  # mounts[1] (tmpfs on /run): option source=tmpfs
       99  fsconfig($fs, FSCONFIG_SET_STRING, "size", "1m", 0)  # mounts[1] (tmpfs on /run): option size=1m
      100  fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)  # mounts[1] (tmpfs on /run): create the tmpfs filesystem
      101  fsmount($fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV) = $mount  # mounts[1] (tmpfs on /run): fsmount
      102  close($fs)  # mounts[1] (tmpfs on /run): close the filesystem context
      103  openat2($rootfs, "/run", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # mounts[1].destination: open /run
      104  move_mount($mount, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # mounts[1].destination: attach
      105  close($target)  # mounts[1].destination: close /run
      106  close($mount)  # mounts[1].destination: close the mount
      "
    `);
  });

  it('makes / a recursive slave with no_pivot_root', () => {
    const b = builder();
    rootfsSteps(b, testModel({ noPivotRoot: true }), testSystem());
    expect(b.build().steps[0]?.label).toBe('make / a recursive slave');
    expect(show(b)).toContain('mount(NULL, "/", NULL, MS_REC|MS_SLAVE, NULL)');
  });

  it('creates /proc, /sys and /dev when the rootfs lacks them, in the root opened by its fd', () => {
    const b = builder();
    rootfsSteps(b, testModel(), new FakeSystem({ files: { '/r/etc/passwd': '' } }));
    const plan = show(b);
    for (const dir of ['proc', 'sys', 'dev']) expect(plan).toContain(`mkdirat($parent, "${dir}", 0755)  [EEXIST ok]`);
    expect(plan.match(/openat2\(\$rootfs, "\/", /g)).toHaveLength(3);
  });

  it('opens every target from the rootfs fd or the /dev fd, never by a host path', () => {
    const b = builder();
    const sys = testSystem({ '/srv/data': { type: 'directory' } });
    const model = testModel({
      process: { terminal: true },
      mounts: [{ kind: 'bind', source: '/srv/data', destination: '/data', readonly: true, private: true }],
      devices: [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 1, gid: 1, cgroupPermissions: 'rwm' }],
    });
    rootfsSteps(b, model, sys, { consolePath: '/dev/pts/3' });
    const plan = b.build();
    const pathArgs = plan.steps.flatMap((step) =>
      step.args.flatMap((arg, i) => {
        const item = arg.kind === 'data' ? plan.data[arg.index] : undefined;
        return item?.kind === 'string' ? [{ syscall: step.syscall, i, path: item.value, dir: step.args[i - 1] }] : [];
      }),
    );
    const byHostPath = pathArgs.filter(({ path }) => path.startsWith('/r'));
    // Only the rootfs self-bind names the rootfs by its host path (it makes the fd).
    expect(byHostPath.map(({ syscall }) => syscall)).toEqual(['openat']);
    // Sources are opened by host path only with open_tree; nothing mounts by a string.
    expect(plan.steps.some((step) => step.syscall === 'mount' && step.label !== 'make / recursively private')).toBe(false);
    for (const step of plan.steps.filter((s) => ['mkdirat', 'mknodat', 'symlinkat', 'fchownat', 'openat2', 'move_mount'].includes(s.syscall))) {
      const dirs = step.syscall === 'symlinkat' ? [step.args[1]] : step.syscall === 'move_mount' ? [step.args[0], step.args[2]] : [step.args[0]];
      for (const dir of dirs) expect(dir?.kind, step.label).toBe('slot');
    }
  });

  it('never mounts /proc through a symlink out of the rootfs', () => {
    const b = builder();
    rootfsSteps(b, testModel(), testSystem({ '/r/proc': { type: 'symlink', target: '/etc' } }));
    const plan = show(b);
    expect(plan).toContain('openat2($rootfs, "/etc", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target');
    expect(plan).not.toContain('AT_FDCWD, "/etc"');
  });

  it('labels tmpfs, devpts and shm with the mount label, unquoted', () => {
    const b = builder();
    const model = testModel({
      labels: { mountLabel: 'system_u:object_r:svirt_sandbox_file_t:s0:c1,c2' },
      mounts: [{ kind: 'tmpfs', source: 'tmpfs', destination: '/run', readonly: false, private: false }],
    });
    rootfsSteps(b, model, testSystem());
    const labelled = show(b)
      .split('\n')
      .filter((line) => line.includes('"context"'));
    expect(labelled).toHaveLength(4);
    expect(labelled[0]).toContain('fsconfig($fs, FSCONFIG_SET_STRING, "context", "system_u:object_r:svirt_sandbox_file_t:s0:c1,c2", 0)');
  });

  it('mounts /dev/mqueue only with an ipc namespace', () => {
    const without = builder();
    rootfsSteps(without, testModel({ namespaces: [{ kind: 'mount' }] }), testSystem());
    expect(show(without)).not.toContain('mqueue');
    const withIpc = builder();
    rootfsSteps(withIpc, testModel(), testSystem());
    expect(show(withIpc)).toContain('fsopen("mqueue", FSOPEN_CLOEXEC) = $fs');
    expect(show(withIpc)).toContain('openat2($dev, "mqueue", ');
  });

  it('binds the pty slave on /dev/console only with a terminal', () => {
    const without = builder();
    rootfsSteps(without, testModel(), testSystem());
    expect(show(without)).not.toContain('console');
    const withTty = builder();
    rootfsSteps(withTty, testModel({ process: { terminal: true } }), testSystem(), { consolePath: '/dev/pts/7' });
    const lines = show(withTty)
      .split('\n')
      .filter((line) => line.includes('console'))
      .map((line) => line.replace(/^\s*\d+\s+/, ''));
    expect(lines).toEqual([
      'mknodat($dev, "console", 0100644, makedev(0, 0))  # create /dev/console to bind the console on',
      'open_tree(AT_FDCWD, "/dev/pts/7", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = $source  # bind the console on /dev/console: open_tree /dev/pts/7',
      'openat2($dev, "console", {flags=O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target  # bind the console on /dev/console: open console',
      'move_mount($source, "", $target, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)  # bind the console on /dev/console: attach',
      'close($target)  # bind the console on /dev/console: close console',
      'close($source)  # bind the console on /dev/console: close the mount',
    ]);
  });

  it('refuses a terminal without its pty', () => {
    expect(() => rootfsSteps(builder(), testModel({ process: { terminal: true } }), testSystem())).toThrow(
      'tty: a terminal needs its pty (no console path given)',
    );
  });

  it('links /dev/core only when the kernel has /proc/kcore', () => {
    const b = builder();
    rootfsSteps(b, testModel(), new FakeSystem({ files: { '/r/proc': { type: 'directory' } } }));
    expect(show(b)).not.toContain('kcore');
  });

  it('binds the host /sys read-only, all the way down, in a user namespace without its own network', () => {
    const b = builder();
    rootfsSteps(b, testModel({ namespaces: [{ kind: 'mount' }, { kind: 'user' }] }), testSystem());
    const plan = show(b);
    expect(plan).not.toContain('sysfs');
    expect(plan).toContain('open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = $source');
    expect(plan).toContain('mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY}, 32)');
    expect(plan).toContain('openat2($rootfs, "/sys", ');
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
    // /dev/shm was made by the /dev steps: no second mkdir.
    expect(plan.match(/mkdirat\(\$\w+, "shm"/g)).toHaveLength(1);
    // /dev/old exists on disk but is hidden by the tmpfs: it must be created.
    expect(plan).toContain('mkdirat($parent, "old", 0755)  [EEXIST ok]  # mounts[1].destination: mkdir /dev/old');
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
    expect(plan).toContain('mkdirat($parent, "data", 0755)');
    expect(plan).not.toContain('mkdirat($parent, "sub"');
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
      .filter((line) => line.includes('"null"'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toContain('mknodat($parent, "null", 020600, makedev(1, 3))');
  });
});

describe('rootfsSteps errors', () => {
  it('blames the rootfs when /proc cannot be resolved', () => {
    const sys = testSystem({ '/r/proc': { type: 'symlink', target: 'proc' } });
    expect(() => rootfsSteps(builder(), testModel(), sys)).toThrow(/^rootfs: \/proc: .*ELOOP/);
  });
});
