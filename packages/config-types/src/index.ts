// @lc/config-types: the container config formats lc reads, and the internal model every
// other package consumes. Depends on zod only.

export { CAPABILITY_NAMES } from './capability-names.js';
export type { ConfigErrorOptions } from './config-error.js';
export { ConfigError } from './config-error.js';
export type {
  ContainerJson,
  JsonCgroup,
  JsonContext,
  JsonDevice,
  JsonDeviceType,
  JsonHook,
  JsonIdMapping,
  JsonMount,
  JsonNamespaceName,
  JsonNetwork,
  JsonRlimit,
  JsonRoute,
  JsonSeccomp,
} from './container-json.js';
export {
  containerJsonSchema,
  DEVICE_TYPE_RUNES,
  JSON_NAMESPACE_NAMES,
  jsonCgroupSchema,
  jsonContextSchema,
  jsonDeviceSchema,
  jsonHookSchema,
  jsonIdMappingSchema,
  jsonMountSchema,
  jsonNetworkSchema,
  jsonRlimitSchema,
  jsonRouteSchema,
  jsonSeccompSchema,
} from './container-json.js';
export { defaultCgroup } from './default-cgroup.js';
export { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './default-paths.js';
export { DEFAULT_SECCOMP_NAME, defaultSeccomp } from './default-seccomp.js';
export type { Issue } from './format-issue.js';
export { formatIssue, formatPath, formatValue, issueMessage } from './format-issue.js';
export {
  parseContainerJson,
  RESTRICTED_MASKED_PATHS,
  RESTRICTED_READONLY_PATHS,
  toModel,
} from './from-container-json.js';
export type { LcErrorOptions } from './lc-error.js';
export { LcError } from './lc-error.js';
export type { LoadContainerConfigOptions, LoadedContainerConfig } from './load-config.js';
export { loadContainerConfig } from './load-config.js';
export type {
  Capability,
  Cgroup,
  ContainerModel,
  Device,
  Hook,
  Hooks,
  IdMapping,
  Mount,
  Namespace,
  NamespaceKind,
  Network,
  Process,
  Rlimit,
  Route,
  Seccomp,
  SeccompAction,
  SeccompArg,
  ThrottleKind,
  ThrottleRule,
} from './model.js';
export {
  capabilitySchema,
  cgroupSchema,
  containerModelSchema,
  deviceSchema,
  hasNamespace,
  hookSchema,
  hooksSchema,
  idMappingSchema,
  mountSchema,
  NAMESPACE_KINDS,
  namespaceKindSchema,
  namespaceSchema,
  networkSchema,
  processSchema,
  rlimitSchema,
  routeSchema,
  SECCOMP_ACTIONS,
  SECCOMP_OPERATORS,
  seccompActionSchema,
  seccompArgSchema,
  seccompSchema,
  THROTTLE_KINDS,
  throttleRuleSchema,
} from './model.js';
export type { RlimitName } from './rlimit-names.js';
export { RLIMIT_NAMES, rlimitNumber } from './rlimit-names.js';
