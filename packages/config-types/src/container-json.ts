// The container.json of libcontainer (May–June 2014), as written then, plus lc's
// extensions (rootfs, uid_mappings, gid_mappings). Every object is strict: an unknown key
// is an error, because a misspelt field silently ignored is a security setting silently
// lost. Values are checked here; from-container-json.ts converts them into the model.
import * as z from 'zod/mini';
import { CAPABILITY_NAMES } from './capability-names.js';
import { isIP } from './is-ip.js';
import { SECCOMP_ACTIONS, SECCOMP_OPERATORS } from './model.js';
import { RLIMIT_NAMES, rlimitNumber } from './rlimit-names.js';

/** Namespace names as container.json spells them (the Go CLONE_NEW* names). */
export const JSON_NAMESPACE_NAMES = ['NEWNS', 'NEWUTS', 'NEWIPC', 'NEWPID', 'NEWNET', 'NEWUSER'] as const;
export type JsonNamespaceName = (typeof JSON_NAMESPACE_NAMES)[number];

/** Device types: the letter, or the Go rune number 2014 wrote ('c' = 99, 'b' = 98, 'p' = 112). */
export const DEVICE_TYPE_RUNES = { c: 99, b: 98, p: 112 } as const;
export type JsonDeviceType = 'c' | 'b' | 'p' | 99 | 98 | 112;

// --- small value schemas ------------------------------------------------------------
// A schema is immutable, so one instance serves every field of its kind: each one built
// costs start-up time, and `nsinit` imports this module on every container start.

const string = z.string();
const optionalString = z.optional(string);
const boolean = z.boolean();
const optionalBoolean = z.optional(boolean);

/**
 * One message for "not a number" and "not a whole number": both mean the same to a user.
 * z.int() checks the type (as z.number(): a missing value "expected a number"), then the
 * whole number; as one schema, not z.number() plus an int check, to build one object.
 */
const integer = z.int({
  error: (issue) =>
    issue.input === undefined || issue.code === 'too_big' || issue.code === 'too_small'
      ? undefined
      : 'expected an integer',
});
const optionalInteger = z.optional(integer);
const unsigned = integer.check(z.minimum(0));
const optionalUnsigned = z.optional(unsigned);

/** A string checked by `test`; the message says what was expected and what was found. */
function checkedString(test: (value: string) => boolean, expected: string) {
  return string.check(
    z.refine(test, {
      error: (issue) => `expected ${expected}, got ${JSON.stringify(issue.input)}`,
    }),
  );
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

const stringMap = z.record(string, string);

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
  major_number: optionalUnsigned,
  minor_number: optionalUnsigned,
  /** Devices-cgroup permissions, some of "rwm"; default "rwm". */
  cgroup_permissions: z.optional(
    checkedString(
      (value) => /^[rwm]{1,3}$/.test(value) && new Set(value).size === value.length,
      'some of r, w, m (like "rwm")',
    ),
  ),
  /** Permission bits of the node; default 0666. */
  file_mode: z.optional(
    unsigned.check(
      z.refine((value) => value <= 0o7777, {
        error: (issue) => `expected permission bits (at most 0o7777 = 4095), got ${JSON.stringify(issue.input)}`,
      }),
    ),
  ),
  uid: optionalUnsigned,
  gid: optionalUnsigned,
});
export type JsonDevice = z.infer<typeof jsonDeviceSchema>;

// --- the sections -----------------------------------------------------------------

export const jsonNetworkSchema = z
  .strictObject({
    type: oneOf('network type', ['loopback', 'veth', 'netns']),
    /** Strategy options: veth "prefix" and "bridge", netns "nspath". */
    context: z.optional(stringMap),
    address: z.optional(cidr()),
    /** An IP address; checked only where it is used (the 2014 sample's loopback had "localhost"). */
    gateway: optionalString,
    mtu: z.optional(integer.check(z.positive())),
    mac_address: z.optional(macAddress()),
    /** veth on a bridge: the bridge sends a frame back out of the port it came in by. */
    hairpin_mode: optionalBoolean,
  })
  .check(
    z.superRefine((network, ctx) => {
      if (network.hairpin_mode && (network.type !== 'veth' || !network.context?.bridge)) {
        ctx.addIssue({ code: 'custom', path: ['hairpin_mode'], message: 'needs a veth network on a bridge (context.bridge)' });
      }
      if (network.type !== 'loopback' && typeof network.gateway === 'string' && isIP(network.gateway) === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateway'],
          message: `expected an IP address, got ${JSON.stringify(network.gateway)}`,
        });
      }
    }),
  );
export type JsonNetwork = z.infer<typeof jsonNetworkSchema>;

/** An I/O limit on one block device (its major:minor), bytes or operations per second. */
const jsonThrottleDeviceSchema = z.strictObject({ major: unsigned, minor: unsigned, rate: unsigned });
const throttleList = z.optional(z.array(jsonThrottleDeviceSchema));

export const jsonCgroupSchema = z.strictObject({
  name: optionalString,
  parent: optionalString,
  /** true: no devices-cgroup restriction at all. */
  device_access: optionalBoolean,
  memory: optionalInteger,
  memory_reservation: optionalInteger,
  /** -1: no swap limit. */
  memory_swap: optionalInteger,
  cpu_shares: optionalInteger,
  cpu_quota: optionalInteger,
  cpu_period: optionalInteger,
  cpuset_cpus: optionalString,
  cpuset_mems: optionalString,
  /** "" leaves the freezer alone (Go's zero value). */
  freezer: z.optional(oneOf('freezer state', ['FROZEN', 'THAWED', ''])),
  /** systemd slice for the transient scope. */
  slice: optionalString,
  pids_limit: optionalInteger,
  blkio_weight: optionalInteger,
  blkio_throttle_read_bps_device: throttleList,
  blkio_throttle_write_bps_device: throttleList,
  blkio_throttle_read_iops_device: throttleList,
  blkio_throttle_write_iops_device: throttleList,
  /** 0–100, or -1 for the kernel default (what later Docker versions wrote when unset). */
  memory_swappiness: z.optional(integer.check(z.minimum(-1), z.maximum(100))),
  /** true: the OOM killer leaves the container alone; it waits for memory instead (v1 only). */
  oom_kill_disable: optionalBoolean,
  allowed_devices: z.optional(z.array(jsonDeviceSchema)),
});
export type JsonCgroup = z.infer<typeof jsonCgroupSchema>;

/** Known context keys; any other string key is allowed (2014's Context was a string map). */
export const jsonContextSchema = z.catchall(
  z.object({
    apparmor_profile: optionalString,
    process_label: optionalString,
    mount_label: optionalString,
    /** Any non-empty value turns the /proc and /sys restrictions on; "" is off. */
    restrictions: optionalString,
  }),
  string,
);
export type JsonContext = z.infer<typeof jsonContextSchema>;

export const jsonMountSchema = z
  .strictObject({
    type: oneOf('mount type', ['bind', 'devtmpfs', 'tmpfs']),
    /** Host path of a bind mount; a relative one is taken from the container directory. */
    source: optionalString,
    destination: z.optional(absolutePath()),
    writable: optionalBoolean,
    private: optionalBoolean,
    /** Filesystem options of a tmpfs ("size=64m,mode=755"). */
    data: optionalString,
  })
  .check(
    z.superRefine((mount, ctx) => {
      const needs: (keyof typeof mount)[] =
        mount.type === 'bind' ? ['source', 'destination'] : mount.type === 'tmpfs' ? ['destination'] : [];
      for (const key of needs) {
        if (mount[key] === undefined || mount[key] === '') {
          ctx.addIssue({ code: 'custom', path: [key], message: `missing (required for a ${mount.type} mount)` });
        }
      }
    }),
  );
export type JsonMount = z.infer<typeof jsonMountSchema>;

export const jsonRouteSchema = z.strictObject({
  destination: z.optional(cidr()),
  source: z.optional(cidr()),
  gateway: z.optional(ipAddress()),
  interface_name: optionalString,
});
export type JsonRoute = z.infer<typeof jsonRouteSchema>;

const seccompAction = oneOf('seccomp action', SECCOMP_ACTIONS);
/** An errno a filter returns: 1..4095 (MAX_ERRNO); the kernel keeps only the low 16 bits. */
const errnoRet = z.optional(integer.check(z.minimum(1), z.maximum(4095)));

/** SCMP_ACT_ERRNO's errno; with any other action it would silently mean nothing. */
function errnoOnlyWithErrno(action: string, errno: number | undefined, path: string) {
  if (errno === undefined || action === 'SCMP_ACT_ERRNO') return undefined;
  return { code: 'custom' as const, path: [path], message: `only with SCMP_ACT_ERRNO (the action is ${action})` };
}

const jsonSeccompArgSchema = z
  .strictObject({
    index: unsigned.check(z.maximum(5)),
    value: unsigned,
    value_two: z.optional(unsigned),
    op: oneOf('seccomp operator', SECCOMP_OPERATORS),
  })
  .check(
    z.superRefine((arg, ctx) => {
      if ((arg.op === 'SCMP_CMP_MASKED_EQ') !== (arg.value_two !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['value_two'], message: 'required with SCMP_CMP_MASKED_EQ, and only with it' });
      }
    }),
  );

/** A system call filter as libcontainer and runc's configs have it. */
export const jsonSeccompSchema = z
  .strictObject({
    default_action: seccompAction,
    default_errno_ret: errnoRet,
    syscalls: z.optional(
      z.array(
        z
          .strictObject({
            names: z.array(checkedString((value) => /^[a-z0-9_]+$/.test(value), 'a system call name like "mkdir"')).check(z.minLength(1)),
            action: seccompAction,
            errno_ret: errnoRet,
            /** Conditions on the arguments, all of which must hold. */
            args: z.optional(z.array(jsonSeccompArgSchema)),
          })
          .check(
            z.superRefine((rule, ctx) => {
              const issue = errnoOnlyWithErrno(rule.action, rule.errno_ret, 'errno_ret');
              if (issue) ctx.addIssue(issue);
            }),
          ),
      ),
    ),
  })
  .check(
    z.superRefine((seccomp, ctx) => {
      const issue = errnoOnlyWithErrno(seccomp.default_action, seccomp.default_errno_ret, 'default_errno_ret');
      if (issue) ctx.addIssue(issue);
    }),
  );
export type JsonSeccomp = z.infer<typeof jsonSeccompSchema>;

/** `seccomp`: a filter, or "unconfined" (no filter at all, not even lc's default). */
const seccompField = z.union([z.literal('unconfined'), jsonSeccompSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? `expected "unconfined" or a filter object, got ${JSON.stringify(issue.input)}` : undefined,
});

/** A program the runtime runs, given the container's state (OCI's) on stdin. */
export const jsonHookSchema = z.strictObject({
  path: absolutePath(),
  args: z.optional(z.array(string)),
  env: z.optional(z.array(checkedString((value) => /^[^=]+=/.test(value), '"NAME=value"'))),
  /** Seconds. */
  timeout: z.optional(integer.check(z.positive())),
});
export type JsonHook = z.infer<typeof jsonHookSchema>;

const hookList = z.optional(z.array(jsonHookSchema));

/** "net.ipv4.ip_forward": dot-separated names, as sysctl(8) takes them; no path tricks. */
const sysctlName = checkedString(
  (value) => /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(value),
  'a sysctl name like "net.ipv4.ip_forward"',
);

/** A limit: a number, or "unlimited" (RLIM_INFINITY, which JSON numbers cannot hold exactly). */
const rlimitValue = z.union([unsigned, z.literal('unlimited')], {
  error: (issue) =>
    issue.input === undefined ? 'missing (expected a number or "unlimited")' : `expected a number or "unlimited", got ${JSON.stringify(issue.input)}`,
});
const limitOf = (value: number | 'unlimited') => (value === 'unlimited' ? Number.POSITIVE_INFINITY : value);

/** A resource limit as runc's config has it; `type` is "RLIMIT_NOFILE", "NOFILE" or the number. */
export const jsonRlimitSchema = z
  .strictObject({
    type: z.union([string, integer]).check(
      z.refine((type) => rlimitNumber(type) !== undefined, {
        error: (issue) => `unknown resource limit ${JSON.stringify(issue.input)} (expected RLIMIT_${RLIMIT_NAMES.join(', RLIMIT_')})`,
      }),
    ),
    hard: rlimitValue,
    soft: rlimitValue,
  })
  .check(
    z.superRefine((rlimit, ctx) => {
      if (limitOf(rlimit.soft) > limitOf(rlimit.hard)) {
        ctx.addIssue({ code: 'custom', path: ['soft'], message: `${rlimit.soft} is above the hard limit ${rlimit.hard}` });
      }
    }),
  );
export type JsonRlimit = z.infer<typeof jsonRlimitSchema>;

/** Each resource once: two limits for one would leave which one holds to chance. */
const rlimitList = z.array(jsonRlimitSchema).check(
  z.superRefine((rlimits, ctx) => {
    const seen = new Set<number>();
    rlimits.forEach((rlimit, index) => {
      const number = rlimitNumber(rlimit.type);
      if (number === undefined) return;
      if (seen.has(number)) ctx.addIssue({ code: 'custom', path: [index, 'type'], message: `RLIMIT_${RLIMIT_NAMES[number]} is limited twice` });
      seen.add(number);
    });
  }),
);

export const jsonIdMappingSchema = z.strictObject({
  container_id: unsigned,
  host_id: unsigned,
  size: integer.check(z.positive()),
});
export type JsonIdMapping = z.infer<typeof jsonIdMappingSchema>;

const namespaceName = z.custom<JsonNamespaceName>(
  (value) => typeof value === 'string' && (JSON_NAMESPACE_NAMES as readonly string[]).includes(value),
  { error: `unknown namespace (expected ${JSON_NAMESPACE_NAMES.join(', ')})` },
);

const CAPABILITIES: ReadonlySet<string> = new Set(CAPABILITY_NAMES);

/** "MKNOD" or "CAP_MKNOD". */
const capabilityName = string.check(
  z.refine((value) => CAPABILITIES.has(value.replace(/^CAP_/, '')), {
    error: (issue) => `unknown capability ${JSON.stringify(issue.input)}`,
  }),
);

// --- the file ---------------------------------------------------------------------

export const containerJsonSchema = z.strictObject({
  /** lc extension: the root filesystem, relative to the container directory; default ".". */
  rootfs: optionalString,
  hostname: optionalString,
  readonly_fs: optionalBoolean,
  no_pivot_root: optionalBoolean,
  user: optionalString,
  /** Supplementary groups (names in the container's /etc/group, or gids) beside the user's own. */
  additional_groups: z.optional(z.array(z.union([checkedString((value) => value !== '', 'a group name or gid'), unsigned]))),
  working_dir: optionalString,
  environment: z.optional(z.array(checkedString((value) => /^[^=]+=/.test(value), '"NAME=value"'))),
  tty: optionalBoolean,
  /** PR_SET_NO_NEW_PRIVS for the container's processes (a later libcontainer field). */
  no_new_privileges: optionalBoolean,
  /** Namespaces to create; a name mapped to false is the same as absent. */
  namespaces: z.optional(z.partialRecord(namespaceName, boolean)),
  /** Capabilities to KEEP; every other one is dropped. */
  capabilities: z.optional(z.array(capabilityName)),
  /** Absent: the container shares the host's network stack. */
  networks: z.optional(z.array(jsonNetworkSchema)),
  cgroups: z.optional(jsonCgroupSchema),
  context: z.optional(jsonContextSchema),
  mounts: z.optional(z.array(jsonMountSchema)),
  routes: z.optional(z.array(jsonRouteSchema)),
  device_nodes: z.optional(z.array(jsonDeviceSchema)),
  /** Resource limits of the container's processes (a later libcontainer field, as runc's). */
  rlimits: z.optional(rlimitList),
  /** Kernel parameters of the container's namespaces, "net.ipv4.ip_forward": "1" (libcontainer's later field). */
  sysctl: z.optional(z.record(sysctlName, string)),
  /** The system call filter of every process of the container: absent, lc's default; "unconfined", none. */
  seccomp: z.optional(seccompField),
  /** Programs run at points of the container's life, as OCI's (and later libcontainer's) hooks. */
  hooks: z.optional(z.strictObject({ prestart: hookList, poststart: hookList, poststop: hookList })),
  /** Container paths made read-only (bound onto themselves, remounted read-only). */
  readonly_paths: z.optional(z.array(absolutePath())),
  /** Container paths hidden: /dev/null over a file, an empty read-only tmpfs over a directory. */
  mask_paths: z.optional(z.array(absolutePath())),
  /** lc extension: user-namespace id maps. */
  uid_mappings: z.optional(z.array(jsonIdMappingSchema)),
  gid_mappings: z.optional(z.array(jsonIdMappingSchema)),
});
export type ContainerJson = z.infer<typeof containerJsonSchema>;
