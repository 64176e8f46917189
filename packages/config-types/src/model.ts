// The internal container model: what every package above @lc/config-types consumes.
//
// It is a superset of the 2014 container.json (see container-json.ts, converted by
// from-container-json.ts) that can also express modern features: user namespaces,
// masked and read-only paths, rlimits. Paths in the model are absolute; the rootfs is
// a host path, every other path is inside the container.
import { z } from 'zod';
import { CAPABILITY_NAMES } from './capability-names.js';

export const NAMESPACE_KINDS = ['mount', 'uts', 'ipc', 'pid', 'network', 'user'] as const;
export const namespaceKindSchema = z.enum(NAMESPACE_KINDS);
export type NamespaceKind = z.infer<typeof namespaceKindSchema>;

/** A namespace the container gets: a new one, or (with `path`) an existing one joined. */
export const namespaceSchema = z.object({
  kind: namespaceKindSchema,
  path: z.string().optional(),
});
export type Namespace = z.infer<typeof namespaceSchema>;

/** The index of a name in CAPABILITY_NAMES is its capability number. */
export const capabilitySchema = z.enum(CAPABILITY_NAMES);
export type Capability = z.infer<typeof capabilitySchema>;

export const mountSchema = z.object({
  /** bind: `source` (host path) bound onto `destination`; tmpfs: a new tmpfs there. */
  kind: z.enum(['bind', 'tmpfs']),
  source: z.string(),
  destination: z.string(),
  readonly: z.boolean(),
  /** Propagation of the new mount: private, or the default (slave of the host's). */
  private: z.boolean(),
  /** Filesystem data for tmpfs ("size=64m,mode=755"). */
  data: z.string().optional(),
});
export type Mount = z.infer<typeof mountSchema>;

export const deviceSchema = z.object({
  type: z.enum(['c', 'b', 'p']),
  path: z.string(),
  major: z.number().int().nonnegative(),
  minor: z.number().int().nonnegative(),
  /** Permission bits of the node (0666). */
  fileMode: z.number().int().nonnegative(),
  uid: z.number().int().nonnegative(),
  gid: z.number().int().nonnegative(),
  /** Cgroup device permissions ("rwm"), used by the devices cgroup (#4). */
  cgroupPermissions: z.string(),
});
export type Device = z.infer<typeof deviceSchema>;

export const idMappingSchema = z.object({
  containerId: z.number().int().nonnegative(),
  hostId: z.number().int().nonnegative(),
  size: z.number().int().positive(),
});
export type IdMapping = z.infer<typeof idMappingSchema>;

export const networkSchema = z.object({
  type: z.enum(['loopback', 'veth', 'netns']),
  context: z.record(z.string(), z.string()),
  address: z.string().optional(),
  gateway: z.string().optional(),
  macAddress: z.string().optional(),
  mtu: z.number().int().positive().optional(),
});
export type Network = z.infer<typeof networkSchema>;

export const routeSchema = z.object({
  destination: z.string().optional(),
  source: z.string().optional(),
  gateway: z.string().optional(),
  interfaceName: z.string().optional(),
});
export type Route = z.infer<typeof routeSchema>;

export const cgroupSchema = z.object({
  name: z.string(),
  parent: z.string(),
  deviceAccess: z.boolean(),
  memory: z.number().int().optional(),
  memoryReservation: z.number().int().optional(),
  memorySwap: z.number().int().optional(),
  memorySwappiness: z.number().int().min(0).max(100).optional(),
  cpuShares: z.number().int().optional(),
  cpuQuota: z.number().int().optional(),
  cpuPeriod: z.number().int().optional(),
  cpusetCpus: z.string().optional(),
  cpusetMems: z.string().optional(),
  freezer: z.enum(['FROZEN', 'THAWED']).optional(),
  pidsLimit: z.number().int().optional(),
  blkioWeight: z.number().int().optional(),
  slice: z.string().optional(),
  allowedDevices: z.array(deviceSchema).optional(),
});
export type Cgroup = z.infer<typeof cgroupSchema>;

export const processSchema = z.object({
  /** "" (root), "name", "uid", "name:group" or "uid:gid", resolved in the container's /etc. */
  user: z.string(),
  cwd: z.string(),
  /** The whole environment, "K=V". */
  env: z.array(z.string()),
  terminal: z.boolean(),
  /** Capabilities kept in every set (effective, permitted, inheritable, bounding). */
  capabilities: z.array(capabilitySchema),
  noNewPrivileges: z.boolean(),
});
export type Process = z.infer<typeof processSchema>;

export const containerModelSchema = z.object({
  /** Absolute host path of the root filesystem. */
  rootfs: z.string(),
  hostname: z.string().optional(),
  readonlyRootfs: z.boolean(),
  noPivotRoot: z.boolean(),
  namespaces: z.array(namespaceSchema),
  process: processSchema,
  mounts: z.array(mountSchema),
  /** Device nodes created in /dev beside the default ones. */
  devices: z.array(deviceSchema),
  /** Paths (inside the container) made read-only after /proc and /sys are mounted. */
  readonlyPaths: z.array(z.string()),
  /** Paths hidden: /dev/null bound over files, an empty read-only tmpfs over directories. */
  maskedPaths: z.array(z.string()),
  uidMappings: z.array(idMappingSchema),
  gidMappings: z.array(idMappingSchema),
  networks: z.array(networkSchema),
  routes: z.array(routeSchema),
  cgroup: cgroupSchema.optional(),
  labels: z.object({
    apparmorProfile: z.string().optional(),
    processLabel: z.string().optional(),
    mountLabel: z.string().optional(),
  }),
});
export type ContainerModel = z.infer<typeof containerModelSchema>;

export function hasNamespace(model: ContainerModel, kind: NamespaceKind): boolean {
  return model.namespaces.some((ns) => ns.kind === kind);
}
