import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('the public face', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CAPABILITY_NAMES',
        'ConfigError',
        'DEVICE_TYPE_RUNES',
        'JSON_NAMESPACE_NAMES',
        'LcError',
        'NAMESPACE_KINDS',
        'RLIMIT_NAMES',
        'RESTRICTED_MASKED_PATHS',
        'RESTRICTED_READONLY_PATHS',
        'capabilitySchema',
        'cgroupSchema',
        'containerJsonSchema',
        'containerModelSchema',
        'deviceSchema',
        'formatIssue',
        'formatPath',
        'formatValue',
        'hasNamespace',
        'idMappingSchema',
        'issueMessage',
        'jsonCgroupSchema',
        'jsonContextSchema',
        'jsonDeviceSchema',
        'jsonIdMappingSchema',
        'jsonMountSchema',
        'jsonNetworkSchema',
        'jsonRlimitSchema',
        'jsonRouteSchema',
        'loadContainerConfig',
        'mountSchema',
        'namespaceKindSchema',
        'namespaceSchema',
        'networkSchema',
        'parseContainerJson',
        'processSchema',
        'rlimitNumber',
        'rlimitSchema',
        'routeSchema',
        'THROTTLE_KINDS',
        'throttleRuleSchema',
        'toModel',
      ].sort(),
    );
  });
});
