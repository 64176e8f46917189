// The internal container model: what every package above @lc/config-types consumes.
//
// It is a superset of the 2014 container.json (see container-json.ts, converted by
// from-container-json.ts) that can also express modern features: user namespaces,
// masked and read-only paths, rlimits. Paths in the model are absolute; the rootfs is
// a host path, every other path is inside the container.
import * as z from 'zod/mini';
import { CAPABILITY_NAMES } from './capability-names.js';

// A schema is immutable, so one instance serves every field of its kind: each one built
// costs start-up time (nsinit imports this package on every container start).
const string = z.string();
const optionalString = z.optional(string);
const boolean = z.boolean();
const stringList = z.array(string);
// z.int() rather than z.number() plus an int check: the same issues, one object fewer.
const optionalInteger = z.optional(z.int());
const unsigned = z.int().check(z.nonnegative());

export const NAMESPACE_KINDS = ['mount', 'uts', 'ipc', 'pid', 'network', 'user'] as const;
export const namespaceKindSchema = z.enum(NAMESPACE_KINDS);
export type NamespaceKind = z.infer<typeof namespaceKindSchema>;

/** A namespace the container gets: a new one, or (with `path`) an existing one joined. */
export const namespaceSchema = z.object({
  kind: namespaceKindSchema,
  path: optionalString,
});
export type Namespace = z.infer<typeof namespaceSchema>;

/** The index of a name in CAPABILITY_NAMES is its capability number. */
export const capabilitySchema = z.enum(CAPABILITY_NAMES);
export type Capability = z.infer<typeof capabilitySchema>;

export const mountSchema = z.object({
  /** bind: `source` (host path) bound onto `destination`; tmpfs: a new tmpfs there. */
  kind: z.enum(['bind', 'tmpfs']),
  source: string,
  destination: string,
  readonly: boolean,
  /** Propagation of the new mount: private, or the default (slave of the host's). */
  private: boolean,
  /** Filesystem data for tmpfs ("size=64m,mode=755"). */
  data: optionalString,
});
export type Mount = z.infer<typeof mountSchema>;

export const deviceSchema = z.object({
  type: z.enum(['c', 'b', 'p']),
  path: string,
  major: unsigned,
  minor: unsigned,
  /** Permission bits of the node (0666). */
  fileMode: unsigned,
  uid: unsigned,
  gid: unsigned,
  /** Cgroup device permissions ("rwm"), used by the devices cgroup (#4). */
  cgroupPermissions: string,
});
export type Device = z.infer<typeof deviceSchema>;

export const idMappingSchema = z.object({
  containerId: unsigned,
  hostId: unsigned,
  size: z.int().check(z.positive()),
});
export type IdMapping = z.infer<typeof idMappingSchema>;

export const networkSchema = z.object({
  type: z.enum(['loopback', 'veth', 'netns']),
  context: z.record(string, string),
  address: optionalString,
  gateway: optionalString,
  macAddress: optionalString,
  hairpinMode: z.optional(z.boolean()),
  mtu: z.optional(z.int().check(z.positive())),
});
export type Network = z.infer<typeof networkSchema>;

export const routeSchema = z.object({
  destination: optionalString,
  source: optionalString,
  gateway: optionalString,
  interfaceName: optionalString,
});
export type Route = z.infer<typeof routeSchema>;

/** The four throttle lists of container.json, by the file they go to: blkio.throttle.<kind>. */
export const THROTTLE_KINDS = ['read_bps_device', 'write_bps_device', 'read_iops_device', 'write_iops_device'] as const;
export type ThrottleKind = (typeof THROTTLE_KINDS)[number];

export const throttleRuleSchema = z.object({
  kind: z.enum(THROTTLE_KINDS),
  major: unsigned,
  minor: unsigned,
  /** Bytes or operations per second. */
  rate: unsigned,
});
export type ThrottleRule = z.infer<typeof throttleRuleSchema>;

export const cgroupSchema = z.object({
  name: string,
  parent: string,
  /**
   * The cgroup of a config without `cgroups`, made only to confine devices (as root):
   * v1 makes it in the devices hierarchy alone; it has no limits, stats or freezer.
   */
  devicesOnly: z.optional(boolean),
  deviceAccess: boolean,
  memory: optionalInteger,
  memoryReservation: optionalInteger,
  memorySwap: optionalInteger,
  memorySwappiness: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
  /** v1 memory.oom_control; cgroup v2 has no such switch. */
  oomKillDisable: z.optional(z.boolean()),
  cpuShares: optionalInteger,
  cpuQuota: optionalInteger,
  cpuPeriod: optionalInteger,
  cpusetCpus: optionalString,
  cpusetMems: optionalString,
  freezer: z.optional(z.enum(['FROZEN', 'THAWED'])),
  pidsLimit: optionalInteger,
  blkioWeight: optionalInteger,
  /** I/O limits per block device, in config order. */
  blkioThrottle: z.optional(z.array(throttleRuleSchema)),
  slice: optionalString,
  allowedDevices: z.optional(z.array(deviceSchema)),
});
export type Cgroup = z.infer<typeof cgroupSchema>;

/** A resource limit; "unlimited" is RLIM_INFINITY. */
export const rlimitSchema = z.object({
  /** The kernel's resource number (RLIMIT_NOFILE is 7). */
  resource: unsigned,
  /** "NOFILE": for messages. */
  name: string,
  soft: z.union([unsigned, z.literal('unlimited')]),
  hard: z.union([unsigned, z.literal('unlimited')]),
});
export type Rlimit = z.infer<typeof rlimitSchema>;

/** What a seccomp filter does with a system call (libseccomp's names). */
export const SECCOMP_ACTIONS = [
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_LOG',
] as const;

export const seccompActionSchema = z.object({
  type: z.enum(SECCOMP_ACTIONS),
  /** SCMP_ACT_ERRNO's errno; EPERM when absent. */
  errno: optionalInteger,
});
export type SeccompAction = z.infer<typeof seccompActionSchema>;

/** How an argument is compared (libseccomp's names), as unsigned 64-bit numbers. */
export const SECCOMP_OPERATORS = [
  'SCMP_CMP_EQ',
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_GT',
  'SCMP_CMP_GE',
  'SCMP_CMP_MASKED_EQ',
] as const;

export const seccompArgSchema = z.object({
  /** Which argument, 0–5. */
  index: unsigned,
  value: unsigned,
  /** SCMP_CMP_MASKED_EQ: (argument & value) == valueTwo. */
  valueTwo: optionalInteger,
  op: z.enum(SECCOMP_OPERATORS),
});
export type SeccompArg = z.infer<typeof seccompArgSchema>;

export const seccompSchema = z.object({
  /** What plans call the filter: "default" for lc's default profile (default-seccomp.ts). */
  name: optionalString,
  defaultAction: seccompActionSchema,
  /** In config order, the first that matches decides; every condition of a rule must hold. */
  syscalls: z.array(z.object({ names: stringList, action: seccompActionSchema, args: z.array(seccompArgSchema) })),
});
export type Seccomp = z.infer<typeof seccompSchema>;

export const processSchema = z.object({
  /** "" (root), "name", "uid", "name:group" or "uid:gid", resolved in the container's /etc. */
  user: string,
  cwd: string,
  /** The whole environment, "K=V". */
  env: stringList,
  terminal: boolean,
  /** Capabilities kept in the bounding, permitted and effective sets (inheritable and ambient stay empty). */
  capabilities: z.array(capabilitySchema),
  noNewPrivileges: boolean,
  /** Supplementary groups beside the user's, names or gids as strings. */
  additionalGroups: stringList,
  /** Set on each process of the container, as the config lists them. */
  rlimits: z.array(rlimitSchema),
});
export type Process = z.infer<typeof processSchema>;

/** A program run by the runtime at a point of the container's life (OCI hooks). */
export const hookSchema = z.object({
  /** Absolute path of the program, on the host. */
  path: string,
  /** argv, argv[0] included; empty: just the path. */
  args: stringList,
  /** Its whole environment. */
  env: stringList,
  /** Seconds before it is killed and counted as failed. */
  timeout: optionalInteger,
});
export type Hook = z.infer<typeof hookSchema>;

export const hooksSchema = z.object({
  /** After the namespaces exist, before the container's set-up goes on: a failure stops it. */
  prestart: z.array(hookSchema),
  /** Once the program runs: a failure is a warning. */
  poststart: z.array(hookSchema),
  /** After the container exited and its resources were released: a failure is a warning. */
  poststop: z.array(hookSchema),
});
export type Hooks = z.infer<typeof hooksSchema>;

export const containerModelSchema = z.object({
  /** Absolute host path of the root filesystem. */
  rootfs: string,
  hostname: optionalString,
  readonlyRootfs: boolean,
  noPivotRoot: boolean,
  namespaces: z.array(namespaceSchema),
  process: processSchema,
  mounts: z.array(mountSchema),
  /** Device nodes created in /dev beside the default ones. */
  devices: z.array(deviceSchema),
  /** Paths (inside the container) made read-only after /proc and /sys are mounted; Docker's by default. */
  readonlyPaths: stringList,
  /** Paths hidden: /dev/null bound over files, an empty read-only tmpfs over directories; Docker's by default. */
  maskedPaths: stringList,
  uidMappings: z.array(idMappingSchema),
  gidMappings: z.array(idMappingSchema),
  networks: z.array(networkSchema),
  routes: z.array(routeSchema),
  /** The system call filter of every process of the container (absent: unconfined). */
  seccomp: z.optional(seccompSchema),
  hooks: hooksSchema,
  /** Kernel parameters ("net.ipv4.ip_forward" → "1") written in the container's namespaces. */
  sysctl: z.record(string, string),
  cgroup: z.optional(cgroupSchema),
  labels: z.object({
    apparmorProfile: optionalString,
    processLabel: optionalString,
    mountLabel: optionalString,
  }),
});
export type ContainerModel = z.infer<typeof containerModelSchema>;

export function hasNamespace(model: ContainerModel, kind: NamespaceKind): boolean {
  return model.namespaces.some((ns) => ns.kind === kind);
}
