import { parseContainerJson, toModel } from '@lc/config-types';
import { renderPlan } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { buildInitPlan } from './init-plan.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n';

function fakeHost(): FakeSystem {
  return new FakeSystem({
    capLastCap: 40,
    files: {
      '/c/rootfs/etc/passwd': PASSWD,
      '/c/rootfs/etc/group': 'root:x:0:\nnogroup:x:65534:\nstaff:x:50:nobody\n',
      '/c/rootfs/usr': { type: 'directory' },
      '/c/rootfs/bin': { type: 'symlink', target: 'usr/bin' },
      '/c/rootfs/proc': { type: 'directory' },
      '/c/rootfs/sys': { type: 'directory' },
      '/c/rootfs/dev': { type: 'directory' },
      '/usr': { type: 'directory' },
      '/proc/kcore': 'x',
    },
  });
}

function model(json: object) {
  return toModel(parseContainerJson({ rootfs: 'rootfs', ...json }), '/c');
}

const TYPICAL = {
  hostname: 'koye',
  namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: true },
  capabilities: ['MKNOD', 'CHOWN', 'SETUID', 'SETGID'],
  environment: ['PATH=/usr/bin:/bin', 'TERM=xterm'],
  user: 'nobody',
  working_dir: '/tmp',
  context: { restrictions: '1' },
  mounts: [{ type: 'bind', source: '/usr', destination: '/usr' }],
};

describe('buildInitPlan', () => {
  it('orders a typical container like a short strace (node executor)', () => {
    const plan = buildInitPlan(model(TYPICAL), ['sh', '-c', 'echo $$'], fakeHost(), { executor: 'node' });
    expect(renderPlan(plan)).toMatchSnapshot();
  });

  it('with a terminal, puts the pty on fds 0-2, binds it on /dev/console and makes it the controlling tty', () => {
    const plan = renderPlan(buildInitPlan(model({ ...TYPICAL, tty: true }), ['sh'], fakeHost(), { executor: 'native', consolePath: '/dev/pts/3' })).split('\n');
    const at = (text: string) => plan.findIndex((line) => line.includes(text));
    // The pty's slave is what the parent passes as stdio: placed on 0-2 before the re-exec.
    expect(plan.filter((line) => /dup3\(\$std(in|out|err)-copy, [012], 0\)/.test(line))).toHaveLength(3);
    // The slave bound on /dev/console, through fds: the console file of the /dev tmpfs.
    const bind = at('open_tree(AT_FDCWD, "/dev/pts/3"');
    expect(plan[bind + 1]).toContain('openat2($dev, "console", ');
    expect(plan[bind + 2]).toContain('move_mount($source, "", $target, "", ');
    expect(bind).toBeLessThan(at('pivot_root'));
    // After the pivot, the console by its container path on 0, 1 and 2.
    const open = at('openat(AT_FDCWD, "/dev/console"');
    expect(open).toBeGreaterThan(at('pivot_root'));
    expect(plan.slice(open + 1, open + 4).map((line) => line.trim().replace(/^\d+\s+/, ''))).toEqual([
      'dup3($console, 0, 0)',
      'dup3($console, 1, 0)',
      'dup3($console, 2, 0)',
    ]);
    // A session of its own from the start; then, leading it, the console as its terminal.
    expect(at('setsid')).toBeLessThan(at('unshare'));
    const ctty = plan.findIndex((line, i) => i > open && line.includes('setsid'));
    expect(plan[ctty + 1]).toContain('ioctl(0, TIOCSCTTY, 0)');
    expect(at('TIOCSCTTY')).toBeLessThan(at('setresuid'));
  });

  it('writes sysctls through the container\'s /proc/sys after the pivot, before the paths are made read-only', () => {
    const plan = renderPlan(
      buildInitPlan(model({ ...TYPICAL, sysctl: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '65536' } }), ['sh'], fakeHost(), { executor: 'node' }),
    ).split('\n');
    const at = (text: string) => plan.findIndex((line) => line.includes(text));
    const open = at('"/proc/sys/net/ipv4/ip_forward"');
    expect(plan[open]).toContain('openat(AT_FDCWD, "/proc/sys/net/ipv4/ip_forward", O_WRONLY|O_NOFOLLOW|O_CLOEXEC, 0)');
    expect(plan[open + 1]).toMatch(/write\(\$sysctl-\d+, "1", 1\)/);
    expect(plan[open + 2]).toMatch(/close\(\$sysctl-\d+\)/);
    expect(plan[at('"/proc/sys/kernel/shmmax"') + 1]).toMatch(/write\(\$sysctl-\d+, "65536", 5\)/);
    expect(open).toBeGreaterThan(at('pivot_root'));
    expect(open).toBeLessThan(at('openat2($rootfs, "/proc/sys", '));
  });

  it('sets the resource limits again just before the exec (the Node init raises its own)', () => {
    const rlimits = [{ type: 'NOFILE', soft: 100, hard: 'unlimited' }];
    const plan = renderPlan(buildInitPlan(model({ ...TYPICAL, rlimits }), ['sh'], fakeHost(), { executor: 'node' })).split('\n');
    const at = plan.findIndex((line) => line.includes('prlimit64('));
    expect(plan[at]).toContain('prlimit64(0, 7, {rlim_cur=100, rlim_max=RLIM_INFINITY}, NULL)');
    expect(at).toBeGreaterThan(plan.findIndex((line) => line.includes('capset(')));
    expect(at).toBeLessThan(plan.findIndex((line) => line.includes('execve(')));
  });

  it('refuses a sysctl that is not the container\'s own', () => {
    const build = (json: object) => () => buildInitPlan(model({ ...TYPICAL, ...json }), ['sh'], fakeHost(), { executor: 'node' });
    expect(build({ sysctl: { 'kernel.panic': '1' } })).toThrow('sysctl["kernel.panic"]: not a parameter of a namespace: writing it would change the host');
    expect(build({ sysctl: { 'net.ipv4.ip_forward': '1' }, namespaces: { NEWNS: true } })).toThrow(
      'sysctl["net.ipv4.ip_forward"]: needs the NEWNET namespace (it would change the host\'s)',
    );
    expect(build({ sysctl: { 'fs.mqueue.msg_max': '20' }, namespaces: { NEWNS: true } })).toThrow('needs the NEWIPC namespace');
    expect(build({ sysctl: { 'kernel.hostname': 'x' }, namespaces: { NEWNS: true } })).toThrow('needs the NEWUTS namespace');
  });

  it('starts the native executor by placing its inputs and re-executing itself before any namespace', () => {
    const plan = buildInitPlan(model(TYPICAL), ['true'], fakeHost(), { executor: 'native' });
    const start = renderPlan(plan).split('\n').slice(0, 17).join('\n');
    expect(start).toMatchInlineSnapshot(`
      "  0  fcntl($error, F_DUPFD, 64) = $error-copy
        1  fcntl($sync, F_DUPFD, 64) = $sync-copy
        2  fcntl($stdin, F_DUPFD, 64) = $stdin-copy
        3  fcntl($stdout, F_DUPFD, 64) = $stdout-copy
        4  fcntl($stderr, F_DUPFD, 64) = $stderr-copy
        5  dup3($error-copy, 5, 0)
        6  dup3($sync-copy, 4, 0)
        7  dup3($stdin-copy, 0, 0)
        8  dup3($stdout-copy, 1, 0)
        9  dup3($stderr-copy, 2, 0)
       10  execveat($executor, "", ["lc-init"], [], AT_EMPTY_PATH)  [the plan goes on in the new image]
       11  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
       12  close_range(6, 0xffffffff, 0)
       13  clone(CLONE_NEWPID|CLONE_PARENT, 0, 0, 0, 0) = $forked  [fork: the parent side exits]  [result reported to the parent]
       14  setsid()
       15  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
       16  unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET)"
    `);
  });

  it('starts the node init not dumpable, in a session of its own, its other fds closed at exec', () => {
    const plan = buildInitPlan(model(TYPICAL), ['true'], fakeHost(), { executor: 'node' });
    const start = renderPlan(plan).split('\n').slice(0, 6).join('\n');
    expect(start).toMatchInlineSnapshot(`
      "  0  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        1  close_range(7, 0xffffffff, CLOSE_RANGE_CLOEXEC)
        2  setsid()  [EPERM ok]
        3  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
        4  unshare(CLONE_NEWNS)
        5  read($sync, <1 bytes>, 1)  [0 = error]"
    `);
  });

  it('switches to the user from the container /etc/passwd with its groups', () => {
    const text = renderPlan(buildInitPlan(model(TYPICAL), ['id'], fakeHost()));
    expect(text).toContain('setgroups(1, [50])');
    expect(text).toContain('setresgid(65534, 65534, 65534)');
    expect(text).toContain('setresuid(65534, 65534, 65534)');
    expect(text).toContain('"HOME=/nonexistent"');
  });

  it('execs a path with a slash directly, and searches PATH otherwise', () => {
    const direct = buildInitPlan(model(TYPICAL), ['/bin/true'], fakeHost());
    expect(direct.steps.filter((step) => step.syscall === 'execve')).toHaveLength(1);
    const searched = buildInitPlan(model(TYPICAL), ['true'], fakeHost());
    const execs = searched.steps.filter((step) => step.syscall === 'execve');
    expect(execs.map((step) => step.label)).toEqual(['exec /usr/bin/true', 'exec true (searched PATH)']);
  });

  it('confines a config that says nothing: Docker\'s masked and read-only paths, the default filter, no inheritable capabilities', () => {
    const text = renderPlan(buildInitPlan(model({ namespaces: { NEWNS: true } }), ['true'], fakeHost()));
    // Opened in the container's root when the step runs, and mounted on through the fd.
    for (const path of ['/proc/sys', '/proc/kcore']) expect(text).toContain(`openat2($rootfs, "${path}", {flags=O_CLOEXEC|O_PATH,`);
    expect(text).toContain('openat2($rootfs, "/sys/firmware", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH,');
    expect(text).toContain('mount_setattr($source, "", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY}, 32)');
    expect(text).toMatch(/seccomp\(1, 0, <seccomp filter "default": \d+ system calls, default SCMP_ACT_ERRNO>\)/);
    expect(text).toContain('{effective=permitted=0, inheritable=0}');
    expect(text).toContain('prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)');
  });

  it('leaves out what the config does not ask for, or turns off', () => {
    const plan = buildInitPlan(model({ namespaces: { NEWNS: true }, mask_paths: [], readonly_paths: [], seccomp: 'unconfined' }), ['true'], fakeHost());
    const text = renderPlan(plan);
    expect(text).not.toContain('sethostname');
    expect(text).not.toContain('SIOCSIFFLAGS');
    expect(text).not.toMatch(/mount\("[^"]*", "\/(proc|sys)\//); // nothing over a /proc or /sys path
    expect(text).not.toContain('seccomp(');
  });

  it('refuses what it cannot do, naming the field', () => {
    const sys = fakeHost();
    expect(() => buildInitPlan(model(TYPICAL), [], sys)).toThrow('command: no command given');
    expect(() => buildInitPlan(model({ namespaces: { NEWUTS: true } }), ['true'], sys)).toThrow(
      'namespaces.NEWNS: required: lc sets up the root filesystem in a new mount namespace',
    );
    expect(() => buildInitPlan(model({ hostname: 'x', namespaces: { NEWNS: true } }), ['true'], sys)).toThrow(
      'hostname: needs the NEWUTS namespace (it would rename the host)',
    );
  });
});

describe('buildInitPlan, what the node executor cannot do', () => {
  it('refuses a user namespace on the node executor, and one without maps', () => {
    const sys = fakeHost();
    const userns = { namespaces: { NEWNS: true, NEWUSER: true } };
    expect(() => buildInitPlan(model(userns), ['true'], sys, { executor: 'node' })).toThrow(
      'namespaces.NEWUSER: needs the native executor',
    );
    expect(() => buildInitPlan(model(userns), ['true'], sys, { executor: 'native' })).toThrow(
      'uid_mappings: a user namespace needs at least one',
    );
  });

  it('waits for the go and becomes root of the user namespace before its re-exec, and maps nothing itself', () => {
    const plan = buildInitPlan(
      model({
        namespaces: { NEWNS: true, NEWUSER: true, NEWPID: true },
        uid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
        gid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
      }),
      ['true'],
      fakeHost(),
      { executor: 'native' },
    );
    const text = renderPlan(plan).split('\n').slice(10, 24).join('\n');
    expect(text).toMatchInlineSnapshot(`
      " 10  execveat($executor, "", ["lc-init"], [], AT_EMPTY_PATH)  [the plan goes on in the new image]
       11  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
       12  close_range(6, 0xffffffff, 0)
       13  clone(CLONE_NEWUSER|CLONE_NEWPID|CLONE_PARENT, 0, 0, 0, 0) = $forked  [fork: the parent side exits]  [result reported to the parent]
       14  setsid()
       15  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
       16  unshare(CLONE_NEWNS)
       17  read($sync, <1 bytes>, 1)  [0 = error]
       18  close($sync)
       19  setresgid(0, 0, 0)
       20  setresuid(0, 0, 0)
       21  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
       22  umask(0)
       23  mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)"
    `);
  });
});
