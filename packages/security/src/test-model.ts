// A minimal ContainerModel for tests.
import type { ContainerModel } from '@lc/config-types';

type ModelOverrides = Partial<Omit<ContainerModel, 'process'>> & { process?: Partial<ContainerModel['process']> };

export function testModel(overrides: ModelOverrides = {}): ContainerModel {
  const { process, ...rest } = overrides;
  return {
    rootfs: '/r',
    readonlyRootfs: false,
    noPivotRoot: false,
    namespaces: [{ kind: 'mount' }],
    process: { user: '', cwd: '/', env: [], terminal: false, capabilities: [], noNewPrivileges: false, ...process },
    mounts: [],
    devices: [],
    readonlyPaths: [],
    maskedPaths: [],
    uidMappings: [],
    gidMappings: [],
    networks: [],
    routes: [],
    labels: {},
    ...rest,
  };
}
