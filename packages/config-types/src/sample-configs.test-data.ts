// Configs shared by the tests (not shipped: only index.ts is an entry point).

/** The sample container.json of May 2014 (pkg/libcontainer/container.json), as written then. */
export const SAMPLE_2014 = {
  hostname: 'koye',
  tty: true,
  environment: [
    'HOME=/',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'container=docker',
    'TERM=xterm-256color',
  ],
  namespaces: { NEWIPC: true, NEWNET: true, NEWNS: true, NEWPID: true, NEWUTS: true },
  capabilities: ['MKNOD'],
  networks: [
    { type: 'loopback', address: '127.0.0.1/0', gateway: 'localhost', mtu: 1500 },
    {
      type: 'veth',
      context: { bridge: 'docker0', prefix: 'veth' },
      address: '172.17.42.2/16',
      gateway: '172.17.42.1',
      mtu: 1500,
    },
  ],
  cgroups: { name: 'docker-koye', parent: 'docker' },
  mounts: [{ type: 'devtmpfs' }],
};

/** Every field of container.json and of lc's extensions, set. */
export const EVERY_FIELD = {
  rootfs: 'rootfs',
  hostname: 'box',
  readonly_fs: true,
  no_pivot_root: true,
  user: 'daemon:daemon',
  working_dir: '/srv',
  environment: ['PATH=/bin', 'EMPTY='],
  tty: true,
  namespaces: { NEWNS: true, NEWUTS: true, NEWIPC: true, NEWPID: true, NEWNET: false, NEWUSER: true },
  capabilities: ['MKNOD', 'CAP_NET_ADMIN', 'MKNOD', 'CAP_MKNOD'],
  networks: [
    { type: 'loopback', address: '127.0.0.1/0', mtu: 65536 },
    {
      type: 'veth',
      context: { bridge: 'docker0', prefix: 'veth' },
      address: 'fd00::2/64',
      gateway: 'fd00::1',
      mtu: 1500,
      mac_address: '02:42:ac:11:00:02',
    },
    { type: 'netns', context: { nspath: '/var/run/netns/a' } },
  ],
  cgroups: {
    name: 'box',
    parent: 'lc-test',
    device_access: false,
    memory: 67108864,
    memory_reservation: 33554432,
    memory_swap: -1,
    cpu_shares: 512,
    cpu_quota: 50000,
    cpu_period: 100000,
    cpuset_cpus: '0-1',
    cpuset_mems: '0',
    freezer: 'THAWED',
    slice: 'machine.slice',
    pids_limit: 100,
    blkio_weight: 500,
    memory_swappiness: 10,
    oom_kill_disable: true,
    allowed_devices: [
      { type: 99, path: '/dev/null', major_number: 1, minor_number: 3, cgroup_permissions: 'rwm' },
    ],
  },
  context: {
    apparmor_profile: 'docker-default',
    process_label: 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2',
    mount_label: 'system_u:object_r:svirt_sandbox_file_t:s0:c1,c2',
    restrictions: 'true',
    'lc.note': 'kept',
  },
  mounts: [
    { type: 'bind', source: '/etc/resolv.conf', destination: '/etc/resolv.conf' },
    { type: 'bind', source: 'data', destination: '/data', writable: true, private: true },
    { type: 'devtmpfs' },
    { type: 'tmpfs', destination: '/tmp', data: 'size=64m,mode=1777' },
  ],
  routes: [{ destination: '0.0.0.0/0', source: '172.17.42.2/32', gateway: '172.17.42.1', interface_name: 'eth0' }],
  rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 512 }],
  sysctl: { 'net.ipv4.ip_forward': '1' },
  no_new_privileges: true,
  device_nodes: [
    { type: 99, path: '/dev/fuse', major_number: 10, minor_number: 229, cgroup_permissions: 'rw', file_mode: 0o660, uid: 0, gid: 5 },
    { type: 'b', path: '/dev/loop0', major_number: 7, minor_number: 0 },
    { type: 112, path: '/dev/fifo' },
  ],
  uid_mappings: [{ container_id: 0, host_id: 100000, size: 65536 }],
  gid_mappings: [{ container_id: 0, host_id: 200000, size: 1000 }],
};
