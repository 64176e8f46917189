// container.json (2014) → the internal model. The schema has already checked every value;
// this only renames, fills defaults and drops what lc does differently.
import { basename, posix, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type {
  ContainerJson,
  JsonCgroup,
  JsonDevice,
  JsonHook,
  JsonIdMapping,
  JsonMount,
  JsonNamespaceName,
  JsonNetwork,
  JsonRlimit,
  JsonRoute,
  JsonSeccomp,
} from './container-json.js';
import { containerJsonSchema } from './container-json.js';
import { defaultCgroup } from './default-cgroup.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './default-paths.js';
import { defaultSeccomp } from './default-seccomp.js';
import { describeIssue, firstIssue, issueMessage } from './format-issue.js';
import type {
  Capability,
  Cgroup,
  ContainerModel,
  Device,
  Hook,
  IdMapping,
  Mount,
  Namespace,
  NamespaceKind,
  Network,
  Rlimit,
  Route,
  Seccomp,
  SeccompAction,
  ThrottleRule,
} from './model.js';
import { THROTTLE_KINDS } from './model.js';
import { RLIMIT_NAMES, rlimitNumber } from './rlimit-names.js';

/** Validates a parsed container.json; throws a ConfigError naming the first problem. */
export function parseContainerJson(value: unknown, file?: string): ContainerJson {
  const result = containerJsonSchema.safeParse(value, { error: issueMessage, reportInput: true });
  if (result.success) return result.data;
  const issue = firstIssue(result.error.issues);
  const { path, reason } = issue ? describeIssue(issue) : { path: '', reason: 'invalid config' };
  throw new ConfigError(reason, { file, path: path || undefined });
}

/** Model namespace kinds in the order the model lists them, keyed by the JSON name. */
const NAMESPACE_KINDS: readonly (readonly [JsonNamespaceName, NamespaceKind])[] = [
  ['NEWNS', 'mount'],
  ['NEWUTS', 'uts'],
  ['NEWIPC', 'ipc'],
  ['NEWPID', 'pid'],
  ['NEWNET', 'network'],
  ['NEWUSER', 'user'],
];

/**
 * The paths the May 2014 `restrictions` made read-only, and the one it hid. /proc itself
 * stays writable (the change of 2014-05-19): only its kernel-tuning corners are locked.
 */
export const RESTRICTED_READONLY_PATHS = ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys'] as const;
export const RESTRICTED_MASKED_PATHS = ['/proc/kcore'] as const;

/**
 * Converts a validated container.json into the model. `containerDir` is the directory the
 * file lives in: the rootfs and relative bind sources are resolved against it, and its
 * name is the default cgroup name.
 *
 * A config that says nothing is confined (README, "Defaults"): Docker's masked and
 * read-only paths unless it lists its own (`[]`: none), Docker's seccomp profile unless
 * it has its own (`"unconfined"`: none), a devices-only cgroup unless it has `cgroups`.
 */
export function toModel(config: ContainerJson, containerDir: string): ContainerModel {
  const context = config.context ?? {};
  const restricted = (context.restrictions ?? '') !== '';
  const capabilities = toCapabilities(config.capabilities ?? []);
  const model: ContainerModel = {
    rootfs: resolve(containerDir, config.rootfs ?? '.'),
    readonlyRootfs: config.readonly_fs ?? false,
    noPivotRoot: config.no_pivot_root ?? false,
    namespaces: NAMESPACE_KINDS.filter(([name]) => config.namespaces?.[name] === true).map(
      ([, kind]): Namespace => ({ kind }),
    ),
    process: {
      user: config.user ?? '',
      // 2014 skipped the chdir for "" and the process stayed at / after pivot_root; a
      // relative directory was taken from / for the same reason.
      cwd: posix.resolve('/', config.working_dir ?? '/'),
      env: config.environment ?? [],
      terminal: config.tty ?? false,
      capabilities,
      noNewPrivileges: config.no_new_privileges ?? false,
      additionalGroups: (config.additional_groups ?? []).map(String),
      rlimits: (config.rlimits ?? []).map(toRlimit),
    },
    mounts: (config.mounts ?? []).flatMap((mount) => toMount(mount, containerDir)),
    devices: (config.device_nodes ?? []).map(toDevice),
    // The restrictions' paths, then the config's own list or, without one, Docker's (each once).
    readonlyPaths: unique([...(restricted ? RESTRICTED_READONLY_PATHS : []), ...(config.readonly_paths ?? DEFAULT_READONLY_PATHS)]),
    maskedPaths: unique([...(restricted ? RESTRICTED_MASKED_PATHS : []), ...(config.mask_paths ?? DEFAULT_MASKED_PATHS)]),
    uidMappings: (config.uid_mappings ?? []).map(toIdMapping),
    gidMappings: (config.gid_mappings ?? []).map(toIdMapping),
    networks: (config.networks ?? []).map(toNetwork),
    routes: (config.routes ?? []).map(toRoute),
    sysctl: { ...config.sysctl },
    hooks: {
      prestart: (config.hooks?.prestart ?? []).map(toHook),
      poststart: (config.hooks?.poststart ?? []).map(toHook),
      poststop: (config.hooks?.poststop ?? []).map(toHook),
    },
    labels: {
      ...(context.apparmor_profile && { apparmorProfile: context.apparmor_profile }),
      ...(context.process_label && { processLabel: context.process_label }),
      ...(context.mount_label && { mountLabel: context.mount_label }),
    },
  };
  // Go's zero value "" meant "leave the hostname alone".
  if (config.hostname) model.hostname = config.hostname;
  if (config.seccomp === undefined) model.seccomp = defaultSeccomp(capabilities);
  else if (config.seccomp !== 'unconfined') model.seccomp = toSeccomp(config.seccomp);
  model.cgroup = config.cgroups ? toCgroup(config.cgroups, containerDir) : defaultCgroup(containerDir);
  return model;
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

/** CAP_ prefix stripped, duplicates removed (2014 removed them too), first order kept. */
function toCapabilities(names: readonly string[]): Capability[] {
  return [...new Set(names.map((name) => name.replace(/^CAP_/, '') as Capability))];
}

function toMount(mount: JsonMount, containerDir: string): Mount[] {
  const data = mount.data === undefined ? {} : { data: mount.data };
  switch (mount.type) {
    case 'bind':
      return [
        {
          kind: 'bind',
          source: resolve(containerDir, mount.source ?? ''),
          destination: mount.destination ?? '',
          readonly: mount.writable !== true,
          private: mount.private === true,
          ...data,
        },
      ];
    case 'tmpfs':
      // `writable` was a bind-mount option: a tmpfs is writable unless it says false.
      return [
        {
          kind: 'tmpfs',
          source: mount.source || 'tmpfs',
          destination: mount.destination ?? '',
          readonly: mount.writable === false,
          private: mount.private === true,
          ...data,
        },
      ];
    case 'devtmpfs':
      // In 2014 a "devtmpfs" entry asked for a fresh /dev. lc always mounts a tmpfs /dev
      // (mode 755) with the standard nodes, /dev/pts and /dev/shm, so the entry adds nothing.
      return [];
  }
}

function deviceLetter(type: JsonDevice['type']): Device['type'] {
  switch (type) {
    case 99:
      return 'c';
    case 98:
      return 'b';
    case 112:
      return 'p';
    default:
      return type;
  }
}

function toDevice(device: JsonDevice): Device {
  return {
    type: deviceLetter(device.type),
    path: device.path,
    major: device.major_number ?? 0,
    minor: device.minor_number ?? 0,
    fileMode: device.file_mode ?? 0o666,
    uid: device.uid ?? 0,
    gid: device.gid ?? 0,
    cgroupPermissions: device.cgroup_permissions ?? 'rwm',
  };
}

function toIdMapping(mapping: JsonIdMapping): IdMapping {
  return { containerId: mapping.container_id, hostId: mapping.host_id, size: mapping.size };
}

function toNetwork(network: JsonNetwork): Network {
  return {
    type: network.type,
    context: network.context ?? {},
    ...(network.address !== undefined && { address: network.address }),
    ...(network.gateway !== undefined && { gateway: network.gateway }),
    ...(network.mac_address !== undefined && { macAddress: network.mac_address }),
    ...(network.hairpin_mode && { hairpinMode: true }),
    ...(network.mtu !== undefined && { mtu: network.mtu }),
  };
}

function toHook(hook: JsonHook): Hook {
  return { path: hook.path, args: hook.args ?? [], env: hook.env ?? [], ...(hook.timeout !== undefined && { timeout: hook.timeout }) };
}

function toSeccomp(seccomp: JsonSeccomp): Seccomp {
  const action = (type: SeccompAction['type'], errno: number | undefined): SeccompAction => ({ type, ...(errno !== undefined && { errno }) });
  return {
    defaultAction: action(seccomp.default_action, seccomp.default_errno_ret),
    syscalls: (seccomp.syscalls ?? []).map((rule) => ({
      names: rule.names,
      action: action(rule.action, rule.errno_ret),
      args: (rule.args ?? []).map((arg) => ({
        index: arg.index,
        value: arg.value,
        ...(arg.value_two !== undefined && { valueTwo: arg.value_two }),
        op: arg.op,
      })),
    })),
  };
}

function toRlimit(rlimit: JsonRlimit): Rlimit {
  // The schema let only known types through.
  const resource = rlimitNumber(rlimit.type)!;
  return { resource, name: RLIMIT_NAMES[resource]!, soft: rlimit.soft, hard: rlimit.hard };
}

function toRoute(route: JsonRoute): Route {
  return {
    ...(route.destination !== undefined && { destination: route.destination }),
    ...(route.source !== undefined && { source: route.source }),
    ...(route.gateway !== undefined && { gateway: route.gateway }),
    ...(route.interface_name !== undefined && { interfaceName: route.interface_name }),
  };
}

function toCgroup(cgroup: JsonCgroup, containerDir: string): Cgroup {
  const out: Cgroup = {
    name: cgroup.name || basename(resolve(containerDir)),
    parent: cgroup.parent || 'lc',
    deviceAccess: cgroup.device_access ?? false,
  };
  if (cgroup.memory !== undefined) out.memory = cgroup.memory;
  if (cgroup.memory_reservation !== undefined) out.memoryReservation = cgroup.memory_reservation;
  if (cgroup.memory_swap !== undefined) out.memorySwap = cgroup.memory_swap;
  // -1 was "unset" in later Docker configs: leave the kernel default.
  if (cgroup.memory_swappiness !== undefined && cgroup.memory_swappiness >= 0) {
    out.memorySwappiness = cgroup.memory_swappiness;
  }
  // false is Go's zero value: the kernel's default.
  if (cgroup.oom_kill_disable) out.oomKillDisable = true;
  if (cgroup.cpu_shares !== undefined) out.cpuShares = cgroup.cpu_shares;
  if (cgroup.cpu_quota !== undefined) out.cpuQuota = cgroup.cpu_quota;
  if (cgroup.cpu_period !== undefined) out.cpuPeriod = cgroup.cpu_period;
  if (cgroup.cpuset_cpus !== undefined) out.cpusetCpus = cgroup.cpuset_cpus;
  if (cgroup.cpuset_mems !== undefined) out.cpusetMems = cgroup.cpuset_mems;
  // "" is Go's zero value: no freezer state requested.
  if (cgroup.freezer) out.freezer = cgroup.freezer;
  if (cgroup.pids_limit !== undefined) out.pidsLimit = cgroup.pids_limit;
  if (cgroup.blkio_weight !== undefined) out.blkioWeight = cgroup.blkio_weight;
  const throttle = THROTTLE_KINDS.flatMap((kind) =>
    (cgroup[`blkio_throttle_${kind}`] ?? []).map((device): ThrottleRule => ({ kind, ...device })),
  );
  if (throttle.length > 0) out.blkioThrottle = throttle;
  if (cgroup.slice !== undefined) out.slice = cgroup.slice;
  if (cgroup.allowed_devices !== undefined) out.allowedDevices = cgroup.allowed_devices.map(toDevice);
  return out;
}
