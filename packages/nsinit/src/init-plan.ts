// Builds the init plan for a container: every step between clone and exec, in the
// order the kernel's rules force. Each package contributes the steps of its
// concern; the order lives here and only here.

import { type ContainerModel, hasNamespace } from '@lc/config-types';
import { consoleStdioSteps } from '@lc/console';
import { pivotSteps, readonlyRootSteps, rootfsSteps } from '@lc/mount';
import { loopbackSteps } from '@lc/network';
import { pathSteps, resolveUser } from '@lc/security';
import { type Plan, PlanBuilder, type System, steps } from '@lc/system';
import { ConfigurationError } from './errors.js';
import { defaultExecutor, type Executor } from './executor.js';
import { processSteps } from './process-steps.js';
import { startSteps } from './start-steps.js';
import { sysctlSteps, validateSysctl } from './sysctl-steps.js';

export interface InitPlanOptions {
  readonly executor?: Executor;
  /** With `tty: true`: the host path of the pty slave, bound on /dev/console. */
  readonly consolePath?: string;
}

export function buildInitPlan(
  model: ContainerModel,
  args: readonly string[],
  sys: System,
  options: InitPlanOptions = {},
): Plan {
  const executor = options.executor ?? defaultExecutor();
  validate(model, args, executor);
  const user = resolveUser(sys, model.rootfs, model.process.user, model.process.additionalGroups);
  const b = new PlanBuilder(sys.arch);
  startSteps(b, model, executor);
  // Nodes and directories get exactly the modes the plan asks for.
  steps.umask(b, 0);

  const rootfs = rootfsSteps(b, model, sys, options.consolePath === undefined ? {} : { consolePath: options.consolePath });
  if (model.hostname !== undefined) steps.sethostname(b, model.hostname);
  if (hasNamespace(model, 'network')) loopbackSteps(b);
  pivotSteps(b, model, rootfs);
  // The container's terminal by its container name (the slave is bound there by now).
  if (model.process.terminal) consoleStdioSteps(b);
  // Through the container's /proc, before pathSteps may make /proc/sys read-only.
  sysctlSteps(b, model);
  pathSteps(b, model, sys, rootfs.fd);
  readonlyRootSteps(b, model, rootfs);
  // Every path of the container has been opened through it by now.
  steps.close(b, rootfs.fd, { label: 'close the rootfs fd' });
  processSteps(b, model, user, sys, args);
  return b.build();
}

function validate(model: ContainerModel, args: readonly string[], executor: Executor): void {
  if (args.length === 0 || args[0] === '') throw new ConfigurationError('command', 'no command given');
  if (!hasNamespace(model, 'mount')) {
    throw new ConfigurationError(
      'namespaces.NEWNS',
      'required: lc sets up the root filesystem in a new mount namespace',
    );
  }
  if (hasNamespace(model, 'user')) {
    // unshare(CLONE_NEWUSER) fails with EINVAL in a threaded process such as the Node
    // init; the native executor's single-threaded child can do it.
    if (executor === 'node') throw new ConfigurationError('namespaces.NEWUSER', 'needs the native executor');
    if (model.uidMappings.length === 0) throw new ConfigurationError('uid_mappings', 'a user namespace needs at least one');
    if (model.gidMappings.length === 0) throw new ConfigurationError('gid_mappings', 'a user namespace needs at least one');
  }
  if (model.namespaces.some((ns) => ns.path !== undefined)) {
    throw new ConfigurationError('namespaces', 'joining an existing namespace by path is not supported yet');
  }
  validateSysctl(model);
  if (model.hostname !== undefined && !hasNamespace(model, 'uts')) {
    throw new ConfigurationError('hostname', 'needs the NEWUTS namespace (it would rename the host)');
  }
}
