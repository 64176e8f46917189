import { loadContainerConfig } from '@lc/config-types';
import { appliedDefaults, buildInitPlan, type Executor } from '@lc/nsinit';
import { linuxSystem, renderPlan } from '@lc/system';
import { UsageError } from '../args.js';

export async function planCommand(dir: string, args: readonly string[], executor: Executor | undefined): Promise<number> {
  if (args.length === 0) throw new UsageError('plan: no command given');
  const { config, model } = await loadContainerConfig(dir);
  // With a terminal the plan binds the pty that `exec` opens; its number is only known then.
  const consolePath = model.process.terminal ? { consolePath: '/dev/pts/<N>' } : {};
  const plan = renderPlan(buildInitPlan(model, args, linuxSystem(), { ...(executor ? { executor } : {}), ...consolePath }));
  // What the config left to lc's defaults, first: the devices cgroup is no plan step.
  const defaults = appliedDefaults(config, model).map((line) => `# ${line}\n`);
  process.stdout.write(`# defaults container.json leaves to lc:\n${defaults.join('')}${plan}\n`);
  return 0;
}
