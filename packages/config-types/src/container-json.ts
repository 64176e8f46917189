// The container.json of libcontainer (May–June 2014), as written then, plus lc's
// extensions (rootfs, uid_mappings, gid_mappings). Every object is strict: an unknown key
// is an error, because a misspelt field silently ignored is a security setting silently
// lost. Values are checked here; from-container-json.ts converts them into the model.
import { isIP } from 'node:net';
import { z } from 'zod';
import { CAPABILITY_NAMES } from './capability-names.js';

/** Namespace names as container.json spells them (the Go CLONE_NEW* names). */
export const JSON_NAMESPACE_NAMES = ['NEWNS', 'NEWUTS', 'NEWIPC', 'NEWPID', 'NEWNET', 'NEWUSER'] as const;
export type JsonNamespaceName = (typeof JSON_NAMESPACE_NAMES)[number];

/** Device types: the letter, or the Go rune number 2014 wrote ('c' = 99, 'b' = 98, 'p' = 112). */
export const DEVICE_TYPE_RUNES = { c: 99, b: 98, p: 112 } as const;
export type JsonDeviceType = 'c' | 'b' | 'p' | 99 | 98 | 112;

// --- small value schemas ------------------------------------------------------------

function integer() {
  // One message for "not a number" and "not a whole number": both mean the same to a user.
  const error = (issue: { code: string; input: unknown }) =>
    issue.input === undefined || issue.code === 'too_big' || issue.code === 'too_small'
      ? undefined
      : 'expected an integer';
  return z.number({ error }).int({ error });
}

const unsigned = () => integer().min(0);

/** A string checked by `test`; the message says what was expected and what was found. */
function checkedString(test: (value: string) => boolean, expected: string) {
  return z.string().refine(test, {
    error: (issue) => `expected ${expected}, got ${JSON.stringify(issue.input)}`,
  });
}

/** An enum whose error names the kind of value: `unknown mount type (expected bind, …)`. */
function oneOf<const T extends readonly [string, ...string[]]>(noun: string, values: T) {
  const list = values.map((value) => (value === '' ? '""' : value)).join(', ');
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? undefined : `unknown ${noun} (expected ${list})`),
  });
}

const absolutePath = () => checkedString((value) => value.startsWith('/'), 'an absolute path');

function isCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const cidr = () => checkedString(isCidr, 'an address with a prefix length (a.b.c.d/n or x::y/n)');
const ipAddress = () => checkedString((value) => isIP(value) !== 0, 'an IP address');
const macAddress = () =>
  checkedString((value) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value), 'a MAC address (xx:xx:xx:xx:xx:xx)');

const stringMap = () => z.record(z.string(), z.string());

// --- devices ----------------------------------------------------------------------

const deviceType = z.custom<JsonDeviceType>(
  (value) =>
    (typeof value === 'string' && value in DEVICE_TYPE_RUNES) ||
    (typeof value === 'number' && Object.values(DEVICE_TYPE_RUNES).includes(value as 99)),
  {
    error: (issue) =>
      issue.input === undefined
        ? 'missing (expected c, b, p or their rune numbers 99, 98, 112)'
        : `unknown device type (expected c, b, p or their rune numbers 99, 98, 112), got ${JSON.stringify(issue.input)}`,
  },
);

/** A device as 2014's devices.Device marshalled it. */
export const jsonDeviceSchema = z.strictObject({
  type: deviceType,
  path: absolutePath(),
  major_number: unsigned().optional(),
  minor_number: unsigned().optional(),
  /** Devices-cgroup permissions, some of "rwm"; default "rwm". */
  cgroup_permissions: checkedString(
    (value) => /^[rwm]{1,3}$/.test(value) && new Set(value).size === value.length,
    'some of r, w, m (like "rwm")',
  ).optional(),
  /** Permission bits of the node; default 0666. */
  file_mode: unsigned()
    .refine((value) => value <= 0o7777, {
      error: (issue) => `expected permission bits (at most 0o7777 = 4095), got ${JSON.stringify(issue.input)}`,
    })
    .optional(),
  uid: unsigned().optional(),
  gid: unsigned().optional(),
});
export type JsonDevice = z.infer<typeof jsonDeviceSchema>;

// --- the sections -----------------------------------------------------------------

export const jsonNetworkSchema = z
  .strictObject({
    type: oneOf('network type', ['loopback', 'veth', 'netns']),
    /** Strategy options: veth "prefix" and "bridge", netns "nspath". */
    context: stringMap().optional(),
    address: cidr().optional(),
    /** An IP address; checked only where it is used (the 2014 sample's loopback had "localhost"). */
    gateway: z.string().optional(),
    mtu: integer().positive().optional(),
    mac_address: macAddress().optional(),
  })
  .superRefine((network, ctx) => {
    if (network.type !== 'loopback' && typeof network.gateway === 'string' && isIP(network.gateway) === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway'],
        message: `expected an IP address, got ${JSON.stringify(network.gateway)}`,
      });
    }
  });
export type JsonNetwork = z.infer<typeof jsonNetworkSchema>;

export const jsonCgroupSchema = z.strictObject({
  name: z.string().optional(),
  parent: z.string().optional(),
  /** true: no devices-cgroup restriction at all. */
  device_access: z.boolean().optional(),
  memory: integer().optional(),
  memory_reservation: integer().optional(),
  /** -1: no swap limit. */
  memory_swap: integer().optional(),
  cpu_shares: integer().optional(),
  cpu_quota: integer().optional(),
  cpu_period: integer().optional(),
  cpuset_cpus: z.string().optional(),
  cpuset_mems: z.string().optional(),
  /** "" leaves the freezer alone (Go's zero value). */
  freezer: oneOf('freezer state', ['FROZEN', 'THAWED', '']).optional(),
  /** systemd slice for the transient scope. */
  slice: z.string().optional(),
  pids_limit: integer().optional(),
  blkio_weight: integer().optional(),
  /** 0–100, or -1 for the kernel default (what later Docker versions wrote when unset). */
  memory_swappiness: integer().min(-1).max(100).optional(),
  allowed_devices: z.array(jsonDeviceSchema).optional(),
});
export type JsonCgroup = z.infer<typeof jsonCgroupSchema>;

/** Known context keys; any other string key is allowed (2014's Context was a string map). */
export const jsonContextSchema = z
  .object({
    apparmor_profile: z.string().optional(),
    process_label: z.string().optional(),
    mount_label: z.string().optional(),
    /** Any non-empty value turns the /proc and /sys restrictions on; "" is off. */
    restrictions: z.string().optional(),
  })
  .catchall(z.string());
export type JsonContext = z.infer<typeof jsonContextSchema>;

export const jsonMountSchema = z
  .strictObject({
    type: oneOf('mount type', ['bind', 'devtmpfs', 'tmpfs']),
    /** Host path of a bind mount; a relative one is taken from the container directory. */
    source: z.string().optional(),
    destination: absolutePath().optional(),
    writable: z.boolean().optional(),
    private: z.boolean().optional(),
    /** Filesystem options of a tmpfs ("size=64m,mode=755"). */
    data: z.string().optional(),
  })
  .superRefine((mount, ctx) => {
    const needs: (keyof typeof mount)[] =
      mount.type === 'bind' ? ['source', 'destination'] : mount.type === 'tmpfs' ? ['destination'] : [];
    for (const key of needs) {
      if (mount[key] === undefined || mount[key] === '') {
        ctx.addIssue({ code: 'custom', path: [key], message: `missing (required for a ${mount.type} mount)` });
      }
    }
  });
export type JsonMount = z.infer<typeof jsonMountSchema>;

export const jsonRouteSchema = z.strictObject({
  destination: cidr().optional(),
  source: cidr().optional(),
  gateway: ipAddress().optional(),
  interface_name: z.string().optional(),
});
export type JsonRoute = z.infer<typeof jsonRouteSchema>;

export const jsonIdMappingSchema = z.strictObject({
  container_id: unsigned(),
  host_id: unsigned(),
  size: integer().positive(),
});
export type JsonIdMapping = z.infer<typeof jsonIdMappingSchema>;

const namespaceName = z.custom<JsonNamespaceName>(
  (value) => typeof value === 'string' && (JSON_NAMESPACE_NAMES as readonly string[]).includes(value),
  { error: `unknown namespace (expected ${JSON_NAMESPACE_NAMES.join(', ')})` },
);

const CAPABILITIES: ReadonlySet<string> = new Set(CAPABILITY_NAMES);

/** "MKNOD" or "CAP_MKNOD". */
const capabilityName = z.string().refine((value) => CAPABILITIES.has(value.replace(/^CAP_/, '')), {
  error: (issue) => `unknown capability ${JSON.stringify(issue.input)}`,
});

// --- the file ---------------------------------------------------------------------

export const containerJsonSchema = z.strictObject({
  /** lc extension: the root filesystem, relative to the container directory; default ".". */
  rootfs: z.string().optional(),
  hostname: z.string().optional(),
  readonly_fs: z.boolean().optional(),
  no_pivot_root: z.boolean().optional(),
  user: z.string().optional(),
  working_dir: z.string().optional(),
  environment: z
    .array(checkedString((value) => /^[^=]+=/.test(value), '"NAME=value"'))
    .optional(),
  tty: z.boolean().optional(),
  /** Namespaces to create; a name mapped to false is the same as absent. */
  namespaces: z.partialRecord(namespaceName, z.boolean()).optional(),
  /** Capabilities to KEEP; every other one is dropped. */
  capabilities: z.array(capabilityName).optional(),
  /** Absent: the container shares the host's network stack. */
  networks: z.array(jsonNetworkSchema).optional(),
  cgroups: jsonCgroupSchema.optional(),
  context: jsonContextSchema.optional(),
  mounts: z.array(jsonMountSchema).optional(),
  routes: z.array(jsonRouteSchema).optional(),
  device_nodes: z.array(jsonDeviceSchema).optional(),
  /** lc extension: user-namespace id maps. */
  uid_mappings: z.array(jsonIdMappingSchema).optional(),
  gid_mappings: z.array(jsonIdMappingSchema).optional(),
});
export type ContainerJson = z.infer<typeof containerJsonSchema>;
