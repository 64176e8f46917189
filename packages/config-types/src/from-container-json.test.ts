import { describe, expect, it } from 'vitest';
import type { ContainerJson, JsonSeccomp } from './container-json.js';
import { defaultSeccomp } from './default-seccomp.js';
import { parseContainerJson, toModel } from './from-container-json.js';
import { containerModelSchema, hasNamespace } from './model.js';
import { EVERY_FIELD, SAMPLE_2014 } from './sample-configs.test-data.js';

const model = (config: ContainerJson, dir = '/containers/box') => toModel(config, dir);

describe('toModel', () => {
  it('fills the defaults of an empty config', () => {
    expect(model({})).toEqual({
      rootfs: '/containers/box',
      readonlyRootfs: false,
      noPivotRoot: false,
      namespaces: [],
      process: { user: '', cwd: '/', env: [], terminal: false, capabilities: [], noNewPrivileges: false, additionalGroups: [], rlimits: [] },
      mounts: [],
      devices: [],
      // Docker's lists: a config that says nothing is confined.
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/proc/scsi',
        '/sys/firmware',
        '/sys/devices/virtual/powercap',
      ],
      uidMappings: [],
      gidMappings: [],
      networks: [],
      routes: [],
      sysctl: {},
      hooks: { prestart: [], poststart: [], poststop: [] },
      seccomp: defaultSeccomp([]),
      cgroup: { name: 'lc-box-95b23e70', parent: '', devicesOnly: true, deviceAccess: false },
      labels: {},
    });
  });

  it('turns each default off by its field: empty path lists, "unconfined", cgroups with device_access', () => {
    const converted = model({ mask_paths: [], readonly_paths: [], seccomp: 'unconfined', cgroups: { device_access: true } });
    expect([converted.maskedPaths, converted.readonlyPaths, converted.seccomp]).toEqual([[], [], undefined]);
    expect(converted.cgroup).toEqual({ name: 'box', parent: 'lc', deviceAccess: true });
  });

  it("replaces a default with the config's own list or filter", () => {
    const seccomp: JsonSeccomp = { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };
    const converted = model({ mask_paths: ['/proc/kcore'], readonly_paths: ['/proc/sys'], seccomp });
    expect([converted.maskedPaths, converted.readonlyPaths]).toEqual([['/proc/kcore'], ['/proc/sys']]);
    expect(converted.seccomp).toEqual({
      defaultAction: { type: 'SCMP_ACT_ALLOW' },
      syscalls: [{ names: ['mkdir'], action: { type: 'SCMP_ACT_ERRNO' }, args: [] }],
    });
  });

  it('gives the default seccomp profile for the kept capabilities', () => {
    expect(model({ capabilities: ['SYS_ADMIN'] }).seccomp).toEqual(defaultSeccomp(['SYS_ADMIN']));
    expect(model({ capabilities: ['CAP_SYS_PTRACE', 'MKNOD'] }).seccomp).toEqual(defaultSeccomp(['SYS_PTRACE', 'MKNOD']));
  });

  it('names the default cgroup after the directory and a hash of its path, with no parent to share', () => {
    const web = (dir: string) => model({}, dir).cgroup?.name ?? '';
    expect(web('/a/web')).toMatch(/^lc-web-[0-9a-f]{8}$/);
    expect(web('/b/web')).toMatch(/^lc-web-[0-9a-f]{8}$/);
    expect(web('/a/web')).not.toBe(web('/b/web'));
    expect(web('/a/web/')).toBe(web('/a/web'));
  });

  it('converts every field', () => {
    const converted = model(parseContainerJson(EVERY_FIELD));
    expect(containerModelSchema.parse(converted)).toEqual(converted);
    expect(converted).toEqual({
      rootfs: '/containers/box/rootfs',
      hostname: 'box',
      readonlyRootfs: true,
      noPivotRoot: true,
      namespaces: [{ kind: 'mount' }, { kind: 'uts' }, { kind: 'ipc' }, { kind: 'pid' }, { kind: 'user' }],
      process: {
        user: 'daemon:daemon',
        cwd: '/srv',
        env: ['PATH=/bin', 'EMPTY='],
        terminal: true,
        capabilities: ['MKNOD', 'NET_ADMIN'],
        noNewPrivileges: true,
        additionalGroups: ['audio', '44'],
        rlimits: [{ resource: 7, name: 'NOFILE', soft: 512, hard: 1024 }],
      },
      mounts: [
        { kind: 'bind', source: '/etc/resolv.conf', destination: '/etc/resolv.conf', readonly: true, private: false },
        { kind: 'bind', source: '/containers/box/data', destination: '/data', readonly: false, private: true },
        { kind: 'tmpfs', source: 'tmpfs', destination: '/tmp', readonly: false, private: false, data: 'size=64m,mode=1777' },
      ],
      devices: [
        { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o660, uid: 0, gid: 5, cgroupPermissions: 'rw' },
        { type: 'b', path: '/dev/loop0', major: 7, minor: 0, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' },
        { type: 'p', path: '/dev/fifo', major: 0, minor: 0, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' },
      ],
      readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys', '/proc/asound'],
      maskedPaths: ['/proc/kcore', '/proc/acpi'],
      uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
      gidMappings: [{ containerId: 0, hostId: 200000, size: 1000 }],
      networks: [
        { type: 'loopback', context: {}, address: '127.0.0.1/0', mtu: 65536 },
        {
          type: 'veth',
          context: { bridge: 'docker0', prefix: 'veth' },
          address: 'fd00::2/64',
          gateway: 'fd00::1',
          macAddress: '02:42:ac:11:00:02',
          hairpinMode: true,
          mtu: 1500,
        },
        { type: 'netns', context: { nspath: '/var/run/netns/a' } },
      ],
      routes: [{ destination: '0.0.0.0/0', source: '172.17.42.2/32', gateway: '172.17.42.1', interfaceName: 'eth0' }],
      sysctl: { 'net.ipv4.ip_forward': '1' },
      hooks: { prestart: [{ path: '/usr/bin/net-setup', args: ['net-setup', 'up'], env: ['A=b'], timeout: 5 }], poststart: [], poststop: [] },
      seccomp: {
        defaultAction: { type: 'SCMP_ACT_ALLOW' },
        syscalls: [
          { names: ['mkdir', 'mkdirat'], action: { type: 'SCMP_ACT_ERRNO', errno: 13 }, args: [] },
          { names: ['reboot'], action: { type: 'SCMP_ACT_KILL_PROCESS' }, args: [{ index: 0, value: 0xfee1dead, op: 'SCMP_CMP_EQ' }] },
        ],
      },
      cgroup: {
        name: 'box',
        parent: 'lc-test',
        deviceAccess: false,
        memory: 67108864,
        memoryReservation: 33554432,
        memorySwap: -1,
        memorySwappiness: 10,
        oomKillDisable: true,
        blkioThrottle: [
          { kind: 'read_bps_device', major: 8, minor: 0, rate: 1048576 },
          { kind: 'write_iops_device', major: 8, minor: 16, rate: 100 },
        ],
        cpuShares: 512,
        cpuQuota: 50000,
        cpuPeriod: 100000,
        cpusetCpus: '0-1',
        cpusetMems: '0',
        freezer: 'THAWED',
        pidsLimit: 100,
        blkioWeight: 500,
        slice: 'machine.slice',
        allowedDevices: [
          { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0, cgroupPermissions: 'rwm' },
        ],
      },
      labels: {
        apparmorProfile: 'docker-default',
        processLabel: 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2',
        mountLabel: 'system_u:object_r:svirt_sandbox_file_t:s0:c1,c2',
      },
    });
  });

  it('converts the 2014 sample', () => {
    const converted = model(parseContainerJson(SAMPLE_2014), '/var/lib/docker/containers/koye');
    expect(containerModelSchema.safeParse(converted).success).toBe(true);
    for (const kind of ['mount', 'uts', 'ipc', 'pid', 'network'] as const) expect(hasNamespace(converted, kind)).toBe(true);
    expect(hasNamespace(converted, 'user')).toBe(false);
    expect(converted.hostname).toBe('koye');
    expect(converted.process.terminal).toBe(true);
    expect(converted.process.capabilities).toEqual(['MKNOD']);
    expect(converted.process.env).toEqual(SAMPLE_2014.environment);
    expect(converted.cgroup).toEqual({ name: 'docker-koye', parent: 'docker', deviceAccess: false });
    expect(converted.mounts).toEqual([]); // the devtmpfs entry: lc always makes /dev
    expect(converted.networks.map((network) => network.type)).toEqual(['loopback', 'veth']);
    expect(converted.networks[0]?.gateway).toBe('localhost');
  });

  it('orders namespaces as the model lists them, whatever the key order', () => {
    const converted = model({ namespaces: { NEWUSER: true, NEWNET: true, NEWNS: true, NEWPID: false } });
    expect(converted.namespaces).toEqual([{ kind: 'mount' }, { kind: 'network' }, { kind: 'user' }]);
  });

  it('strips CAP_ and removes duplicates, keeping the first order', () => {
    const converted = model({ capabilities: ['CAP_KILL', 'MKNOD', 'KILL', 'CAP_MKNOD', 'CHOWN'] });
    expect(converted.process.capabilities).toEqual(['KILL', 'MKNOD', 'CHOWN']);
  });

  it('turns rune device types into letters', () => {
    const devices = model({
      device_nodes: [
        { type: 99, path: '/dev/a' },
        { type: 98, path: '/dev/b' },
        { type: 112, path: '/dev/c' },
        { type: 'c', path: '/dev/d' },
      ],
    }).devices;
    expect(devices.map((device) => device.type)).toEqual(['c', 'b', 'p', 'c']);
  });

  it('drops devtmpfs mounts', () => {
    const converted = model({
      mounts: [{ type: 'devtmpfs' }, { type: 'tmpfs', destination: '/run' }, { type: 'devtmpfs', destination: '/dev' }],
    });
    expect(converted.mounts.map((mount) => mount.destination)).toEqual(['/run']);
  });

  it('makes bind mounts read-only unless writable, and a tmpfs writable unless it says false', () => {
    const [bind, writableBind, tmpfs, readonlyTmpfs] = model({
      mounts: [
        { type: 'bind', source: '/a', destination: '/a' },
        { type: 'bind', source: '/b', destination: '/b', writable: true, private: false },
        { type: 'tmpfs', destination: '/c' },
        { type: 'tmpfs', source: 'shm', destination: '/d', writable: false },
      ],
    }).mounts;
    expect([bind?.readonly, writableBind?.readonly, tmpfs?.readonly, readonlyTmpfs?.readonly]).toEqual([true, false, false, true]);
    expect(readonlyTmpfs?.source).toBe('shm');
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['', false],
    [undefined, false],
  ])('restrictions %j → restricted paths: %s', (restrictions, restricted) => {
    const context = restrictions === undefined ? {} : { restrictions };
    // The restrictions' paths come on top of the lists (Docker's, or the config's own).
    const converted = model({ context, mask_paths: ['/proc/acpi'], readonly_paths: [] });
    expect(converted.readonlyPaths).toEqual(restricted ? ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys'] : []);
    expect(converted.maskedPaths).toEqual(restricted ? ['/proc/kcore', '/proc/acpi'] : ['/proc/acpi']);
    // /proc itself stays writable (the May 2014 change).
    expect(converted.readonlyPaths).not.toContain('/proc');
    const withDefaults = model({ context });
    expect(withDefaults.readonlyPaths).toEqual(
      restricted
        ? ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys', '/proc/fs']
        : ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    );
  });

  it('resolves the rootfs against the container directory', () => {
    expect(model({ rootfs: '../images/base' }, '/c/box').rootfs).toBe('/c/images/base');
    expect(model({ rootfs: '/srv/root' }, '/c/box').rootfs).toBe('/srv/root');
    expect(model({}, '/c/box/').rootfs).toBe('/c/box');
  });

  it('defaults the cgroup name to the directory name and the parent to lc', () => {
    expect(model({ cgroups: {} }, '/c/box/').cgroup).toEqual({ name: 'box', parent: 'lc', deviceAccess: false });
    expect(model({ cgroups: { name: '', parent: '', device_access: true } }, '/c/web').cgroup).toEqual({
      name: 'web',
      parent: 'lc',
      deviceAccess: true,
    });
    // No cgroups section: a cgroup only for the devices allow-list.
    expect(model({}, '/c/web').cgroup).toMatchObject({ parent: '', devicesOnly: true, deviceAccess: false });
  });

  it('leaves out Go zero values: empty hostname, labels, freezer; swappiness -1', () => {
    const converted = model({
      hostname: '',
      working_dir: '',
      context: { apparmor_profile: '', process_label: '', mount_label: '' },
      cgroups: { freezer: '', memory_swappiness: -1 },
    });
    expect('hostname' in converted).toBe(false);
    expect(converted.process.cwd).toBe('/');
    expect(converted.labels).toEqual({});
    expect(converted.cgroup).toEqual({ name: 'box', parent: 'lc', deviceAccess: false });
  });

  it('numbers rlimits by the kernel\'s resource numbers, whichever way they are named', () => {
    const config = parseContainerJson({
      rlimits: [
        { type: 'RLIMIT_NOFILE', hard: 1024, soft: 512 },
        { type: 'CORE', hard: 'unlimited', soft: 0 },
        { type: 6, hard: 100, soft: 100 },
      ],
    });
    expect(toModel(config, '/c').process.rlimits).toEqual([
      { resource: 7, name: 'NOFILE', soft: 512, hard: 1024 },
      { resource: 4, name: 'CORE', soft: 0, hard: 'unlimited' },
      { resource: 6, name: 'NPROC', soft: 100, hard: 100 },
    ]);
    expect(() => parseContainerJson({ rlimits: [{ type: 16, hard: 1, soft: 1 }] })).toThrow(/^rlimits\[0\]\.type: unknown resource limit 16 \(expected RLIMIT_CPU, /);
  });

  it('takes a relative working_dir from /', () => {
    expect(model({ working_dir: 'srv/app' }).process.cwd).toBe('/srv/app');
  });
});
