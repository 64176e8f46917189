// Test helpers for packages that consume the model: a minimal valid ContainerModel.
import type { ContainerModel } from '../model.js';

export type ModelOverrides = Partial<Omit<ContainerModel, 'process'>> & {
  process?: Partial<ContainerModel['process']>;
};

/** A container at rootfs /r with only a mount namespace, root user, nothing else. */
export function testModel(overrides: ModelOverrides = {}): ContainerModel {
  const { process, ...rest } = overrides;
  return {
    rootfs: '/r',
    readonlyRootfs: false,
    noPivotRoot: false,
    namespaces: [{ kind: 'mount' }],
    process: { user: '', cwd: '/', env: [], terminal: false, capabilities: [], noNewPrivileges: false, additionalGroups: [], rlimits: [], ...process },
    mounts: [],
    devices: [],
    readonlyPaths: [],
    maskedPaths: [],
    uidMappings: [],
    gidMappings: [],
    networks: [],
    routes: [],
    sysctl: {},
    hooks: { prestart: [], poststart: [], poststop: [] },
    labels: {},
    ...rest,
  };
}
