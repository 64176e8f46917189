import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { containerJsonSchema } from './container-json.js';
import { parseContainerJson } from './from-container-json.js';
import { EVERY_FIELD, SAMPLE_2014 } from './sample-configs.test-data.js';

/** The one-line message parseContainerJson throws for `value`. */
function errorOf(value: unknown): string {
  try {
    parseContainerJson(value);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const withMount = (mount: unknown) => ({ mounts: [mount] });
const withDevice = (device: unknown) => ({ device_nodes: [device] });
const withNetwork = (network: unknown) => ({ networks: [network] });

describe('containerJsonSchema', () => {
  it('accepts an empty config: every field is optional', () => {
    expect(parseContainerJson({})).toEqual({});
  });

  it('accepts every field, as written', () => {
    expect(parseContainerJson(EVERY_FIELD)).toEqual(EVERY_FIELD);
  });

  it('accepts the 2014 sample', () => {
    expect(containerJsonSchema.safeParse(SAMPLE_2014).success).toBe(true);
  });

  it.each([
    ['CAP_ prefix', { capabilities: ['CAP_SYS_ADMIN'] }],
    ['rune device types', { device_nodes: [{ type: 99, path: '/a' }, { type: 98, path: '/b' }, { type: 112, path: '/c' }] }],
    ['letter device types', { device_nodes: [{ type: 'c', path: '/a' }, { type: 'b', path: '/b' }, { type: 'p', path: '/c' }] }],
    ['empty freezer', { cgroups: { freezer: '' } }],
    ['swappiness -1', { cgroups: { memory_swappiness: -1 } }],
    ['other context keys', { context: { 'x.y': 'z' } }],
    ['a namespace set to false', { namespaces: { NEWUSER: false } }],
    ['an empty environment value', { environment: ['A='] }],
    ['IPv6 route', { routes: [{ destination: '::/0', gateway: 'fe80::1' }] }],
    ['loopback gateway that is no address', withNetwork({ type: 'loopback', gateway: 'localhost' })],
    ['seccomp "unconfined"', { seccomp: 'unconfined' }],
    ['empty masked and read-only path lists', { mask_paths: [], readonly_paths: [] }],
    [
      'rlimits by name, short name or number, and unlimited',
      { rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 512 }, { type: 'CORE', hard: 'unlimited', soft: 0 }, { type: 6, hard: 'unlimited', soft: 'unlimited' }] },
    ],
  ])('accepts %s', (_name, value) => {
    expect(() => parseContainerJson(value)).not.toThrow();
  });

  it.each([
    // the root
    [[], 'expected an object, got []'],
    [{ hostnmae: 'x' }, 'unknown field "hostnmae"'],
    [{ a: 1, b: 2 }, 'unknown fields "a", "b"'],
    // scalars
    [{ hostname: 5 }, 'hostname: expected a string, got 5'],
    [{ readonly_fs: 'yes' }, 'readonly_fs: expected a boolean, got "yes"'],
    [{ tty: 1 }, 'tty: expected a boolean, got 1'],
    [{ rootfs: null }, 'rootfs: expected a string, got null'],
    [{ environment: 'A=b' }, 'environment: expected an array, got "A=b"'],
    [{ environment: ['A=b', 'FOO'] }, 'environment[1]: expected "NAME=value", got "FOO"'],
    [{ environment: ['=x'] }, 'environment[0]: expected "NAME=value", got "=x"'],
    // namespaces
    [
      { namespaces: { NEWNS: true, NEWFOO: true } },
      'namespaces.NEWFOO: unknown namespace (expected NEWNS, NEWUTS, NEWIPC, NEWPID, NEWNET, NEWUSER)',
    ],
    [{ namespaces: { NEWNS: 'yes' } }, 'namespaces.NEWNS: expected a boolean, got "yes"'],
    [{ namespaces: ['NEWNS'] }, 'namespaces: expected an object, got ["NEWNS"]'],
    // capabilities
    [{ capabilities: ['MKNOD', 'FOO'] }, 'capabilities[1]: unknown capability "FOO"'],
    [{ capabilities: ['mknod'] }, 'capabilities[0]: unknown capability "mknod"'],
    [{ capabilities: [7] }, 'capabilities[0]: expected a string, got 7'],
    // cgroups
    [{ cgroups: { memory: 'lots' } }, 'cgroups.memory: expected an integer, got "lots"'],
    [{ cgroups: { cpu_shares: 1.5 } }, 'cgroups.cpu_shares: expected an integer, got 1.5'],
    [{ cgroups: { memory: 2 ** 60 } }, 'cgroups.memory: expected at most 9007199254740991, got 1152921504606847000'],
    [{ cgroups: { freezer: 'frozen' } }, 'cgroups.freezer: unknown freezer state (expected FROZEN, THAWED, ""), got "frozen"'],
    [{ cgroups: { memory_swappiness: 101 } }, 'cgroups.memory_swappiness: expected at most 100, got 101'],
    [{ cgroups: { memory_swappiness: -2 } }, 'cgroups.memory_swappiness: expected at least -1, got -2'],
    [{ cgroups: { device_access: 'all' } }, 'cgroups.device_access: expected a boolean, got "all"'],
    [{ cgroups: { nmae: 'x' } }, 'cgroups: unknown field "nmae"'],
    [{ cgroups: { blkio_throttle_read_bps_device: [{ major: 8, minor: 0 }] } }, 'cgroups.blkio_throttle_read_bps_device[0].rate: missing (expected a number)'],
    [{ cgroups: { blkio_throttle_write_bps_device: [{ major: 8, minor: 0, rate: -1 }] } }, 'cgroups.blkio_throttle_write_bps_device[0].rate: expected at least 0, got -1'],
    [
      { cgroups: { allowed_devices: [{ type: 97, path: '/dev/null' }] } },
      'cgroups.allowed_devices[0].type: unknown device type (expected c, b, p or their rune numbers 99, 98, 112), got 97',
    ],
    // context
    [{ context: { restrictions: true } }, 'context.restrictions: expected a string, got true'],
    [{ context: { 'my-key': 1 } }, 'context["my-key"]: expected a string, got 1'],
    // mounts
    [withMount({ type: 'bind', source: '/a', destnation: '/b' }), 'mounts[0]: unknown field "destnation"'],
    [withMount({ type: 'volume' }), 'mounts[0].type: unknown mount type (expected bind, devtmpfs, tmpfs), got "volume"'],
    [withMount({ source: '/a' }), 'mounts[0].type: missing (expected "bind", "devtmpfs", "tmpfs")'],
    [withMount({ type: 'bind', source: '/a', destination: 'b' }), 'mounts[0].destination: expected an absolute path, got "b"'],
    [withMount({ type: 'bind', destination: '/b' }), 'mounts[0].source: missing (required for a bind mount)'],
    [withMount({ type: 'bind', source: '/a' }), 'mounts[0].destination: missing (required for a bind mount)'],
    [withMount({ type: 'tmpfs' }), 'mounts[0].destination: missing (required for a tmpfs mount)'],
    [withMount({ type: 'bind', source: '/a', destination: '/b', writable: 'no' }), 'mounts[0].writable: expected a boolean, got "no"'],
    [{ mounts: [{ type: 'devtmpfs' }, 'x'] }, 'mounts[1]: expected an object, got "x"'],
    // device nodes
    [withDevice({ type: 'x', path: '/dev/x' }), 'device_nodes[0].type: unknown device type (expected c, b, p or their rune numbers 99, 98, 112), got "x"'],
    [withDevice({ path: '/dev/x' }), 'device_nodes[0].type: missing (expected c, b, p or their rune numbers 99, 98, 112)'],
    [withDevice({ type: 'c', path: 'dev/x' }), 'device_nodes[0].path: expected an absolute path, got "dev/x"'],
    [withDevice({ type: 'c' }), 'device_nodes[0].path: missing (expected a string)'],
    [withDevice({ type: 'c', path: '/x', major_number: -1 }), 'device_nodes[0].major_number: expected at least 0, got -1'],
    [withDevice({ type: 'c', path: '/x', minor_number: '3' }), 'device_nodes[0].minor_number: expected an integer, got "3"'],
    [withDevice({ type: 'c', path: '/x', cgroup_permissions: 'rx' }), 'device_nodes[0].cgroup_permissions: expected some of r, w, m (like "rwm"), got "rx"'],
    [withDevice({ type: 'c', path: '/x', cgroup_permissions: 'rr' }), 'device_nodes[0].cgroup_permissions: expected some of r, w, m (like "rwm"), got "rr"'],
    [withDevice({ type: 'c', path: '/x', file_mode: 0o10000 }), 'device_nodes[0].file_mode: expected permission bits (at most 0o7777 = 4095), got 4096'],
    [withDevice({ type: 'c', path: '/x', uid: -1 }), 'device_nodes[0].uid: expected at least 0, got -1'],
    [withDevice({ type: 'c', path: '/x', gid: 'root' }), 'device_nodes[0].gid: expected an integer, got "root"'],
    [withDevice({ type: 'c', path: '/x', mode: 1 }), 'device_nodes[0]: unknown field "mode"'],
    // networks
    [withNetwork({ type: 'bridge' }), 'networks[0].type: unknown network type (expected loopback, veth, netns), got "bridge"'],
    [withNetwork({ type: 'veth', mtu: 0 }), 'networks[0].mtu: expected more than 0, got 0'],
    [withNetwork({ type: 'veth', mtu: 'big' }), 'networks[0].mtu: expected an integer, got "big"'],
    [withNetwork({ type: 'veth', address: '10.0.0.2' }), 'networks[0].address: expected an address with a prefix length (a.b.c.d/n or x::y/n), got "10.0.0.2"'],
    [withNetwork({ type: 'veth', address: '10.0.0.2/33' }), 'networks[0].address: expected an address with a prefix length (a.b.c.d/n or x::y/n), got "10.0.0.2/33"'],
    [withNetwork({ type: 'veth', address: '10.0.0.256/8' }), 'networks[0].address: expected an address with a prefix length (a.b.c.d/n or x::y/n), got "10.0.0.256/8"'],
    [withNetwork({ type: 'veth', address: 'fd00::2/129' }), 'networks[0].address: expected an address with a prefix length (a.b.c.d/n or x::y/n), got "fd00::2/129"'],
    [withNetwork({ type: 'veth', gateway: 'router' }), 'networks[0].gateway: expected an IP address, got "router"'],
    [withNetwork({ type: 'veth', mac_address: '02:42:ac:11:00' }), 'networks[0].mac_address: expected a MAC address (xx:xx:xx:xx:xx:xx), got "02:42:ac:11:00"'],
    [withNetwork({ type: 'veth', context: { mtu: 1500 } }), 'networks[0].context.mtu: expected a string, got 1500'],
    [withNetwork({ type: 'veth', bridge: 'docker0' }), 'networks[0]: unknown field "bridge"'],
    [withNetwork({ type: 'veth', hairpin_mode: true }), 'networks[0].hairpin_mode: needs a veth network on a bridge (context.bridge)'],
    [withNetwork({ type: 'loopback', hairpin_mode: true }), 'networks[0].hairpin_mode: needs a veth network on a bridge (context.bridge)'],
    // routes
    [{ routes: [{ destination: 'default' }] }, 'routes[0].destination: expected an address with a prefix length (a.b.c.d/n or x::y/n), got "default"'],
    [{ routes: [{ gateway: '1.2.3' }] }, 'routes[0].gateway: expected an IP address, got "1.2.3"'],
    [{ routes: [{ interface: 'eth0' }] }, 'routes[0]: unknown field "interface"'],
    // rlimits
    [{ rlimits: [{ type: 'RLIMIT_FILES', hard: 1, soft: 1 }] }, 'rlimits[0].type: unknown resource limit "RLIMIT_FILES" (expected RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS, RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME)'],
    [{ rlimits: [{ type: 'NOFILE', hard: 1, soft: 'lots' }] }, 'rlimits[0].soft: expected a number or "unlimited", got "lots"'],
    [{ rlimits: [{ type: 'NOFILE', hard: 10, soft: 20 }] }, 'rlimits[0].soft: 20 is above the hard limit 10'],
    [{ rlimits: [{ type: 'NOFILE', hard: 10, soft: 'unlimited' }] }, 'rlimits[0].soft: unlimited is above the hard limit 10'],
    [{ rlimits: [{ type: 'NOFILE', hard: -1, soft: 1 }] }, 'rlimits[0].hard: expected at least 0, got -1'],
    [{ rlimits: [{ type: 'NOFILE', soft: 1 }] }, 'rlimits[0].hard: missing (expected a number or "unlimited")'],
    [{ rlimits: [{ type: 'NOFILE', hard: 1, soft: 1 }, { type: 7, hard: 2, soft: 2 }] }, 'rlimits[1].type: RLIMIT_NOFILE is limited twice'],
    // additional groups
    [{ additional_groups: [''] }, 'additional_groups[0]: expected a group name or gid, got ""'],
    [{ additional_groups: [-1] }, 'additional_groups[0]: expected at least 0, got -1'],
    // seccomp
    [{ seccomp: 'none' }, 'seccomp: expected "unconfined" or a filter object, got "none"'],
    [{ seccomp: null }, 'seccomp: expected "unconfined" or a filter object, got null'],
    [{ seccomp: {} }, expect.stringMatching(/^seccomp\.default_action: missing \(expected "SCMP_ACT_ALLOW", /)],
    [{ seccomp: { default_action: 'ALLOW' } }, expect.stringMatching(/^seccomp\.default_action: unknown seccomp action \(expected SCMP_ACT_ALLOW, /)],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', default_errno_ret: 13 } }, 'seccomp.default_errno_ret: only with SCMP_ACT_ERRNO (the action is SCMP_ACT_ALLOW)'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] } }, 'seccomp.syscalls[0].names: expected at least 1 item, got []'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['Mkdir'], action: 'SCMP_ACT_ERRNO' }] } }, 'seccomp.syscalls[0].names[0]: expected a system call name like "mkdir", got "Mkdir"'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL', errno_ret: 1 }] } }, 'seccomp.syscalls[0].errno_ret: only with SCMP_ACT_ERRNO (the action is SCMP_ACT_KILL)'],
    [{ seccomp: { default_action: 'SCMP_ACT_ERRNO', default_errno_ret: 5000 } }, 'seccomp.default_errno_ret: expected at most 4095, got 5000'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] } }, 'seccomp.syscalls[0].args[0].index: expected at most 5, got 6'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_MASKED_EQ' }] }] } }, 'seccomp.syscalls[0].args[0].value_two: required with SCMP_CMP_MASKED_EQ, and only with it'],
    [{ seccomp: { default_action: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'EQ' }] }] } }, expect.stringMatching(/^seccomp\.syscalls\[0\]\.args\[0\]\.op: unknown seccomp operator \(expected SCMP_CMP_EQ, /)],
    // paths
    [{ mask_paths: ['proc/kcore'] }, 'mask_paths[0]: expected an absolute path, got "proc/kcore"'],
    [{ readonly_paths: [5] }, 'readonly_paths[0]: expected a string, got 5'],
    // hooks
    [{ hooks: { prestart: [{ path: 'hook' }] } }, 'hooks.prestart[0].path: expected an absolute path, got "hook"'],
    [{ hooks: { poststop: [{ path: '/bin/true', timeout: 0 }] } }, 'hooks.poststop[0].timeout: expected more than 0, got 0'],
    [{ hooks: { prerun: [] } }, 'hooks: unknown field "prerun"'],
    // sysctl
    [{ sysctl: { 'net/ipv4/ip_forward': '1' } }, 'sysctl["net/ipv4/ip_forward"]: expected a sysctl name like "net.ipv4.ip_forward", got "net/ipv4/ip_forward"'],
    [{ sysctl: { 'net..x': '1' } }, 'sysctl["net..x"]: expected a sysctl name like "net.ipv4.ip_forward", got "net..x"'],
    [{ sysctl: { 'net.ipv4.ip_forward': 1 } }, 'sysctl["net.ipv4.ip_forward"]: expected a string, got 1'],
    // id mappings
    [{ uid_mappings: [{ container_id: 0, host_id: 1000 }] }, 'uid_mappings[0].size: missing (expected a number)'],
    [{ gid_mappings: [{ container_id: 0, host_id: 1000, size: 0 }] }, 'gid_mappings[0].size: expected more than 0, got 0'],
    [{ uid_mappings: [{ container_id: 0, host_id: -5, size: 1 }] }, 'uid_mappings[0].host_id: expected at least 0, got -5'],
  ])('rejects %j: %s', (value, message) => {
    if (typeof message === 'string') expect(errorOf(value)).toBe(message);
    else expect(errorOf(value)).toEqual(message);
  });

  it('reports only the first problem, and the file when known', () => {
    expect(() => parseContainerJson({ hostname: 1, tty: 2 }, '/c/container.json')).toThrow(
      /^\/c\/container\.json: hostname: expected a string, got 1$/,
    );
  });

  it('keeps the path and reason apart on the error', () => {
    try {
      parseContainerJson({ mounts: [{ type: 'bind', source: '/a', destination: 'b' }] }, 'c.json');
      expect.unreachable();
    } catch (error) {
      const configError = error as ConfigError;
      expect(configError.file).toBe('c.json');
      expect(configError.path).toBe('mounts[0].destination');
      expect(configError.reason).toBe('expected an absolute path, got "b"');
    }
  });
});
