import { loadContainerConfig } from '@lc/config-types';
import { buildInitPlan, type Executor } from '@lc/nsinit';
import { linuxSystem, renderPlan } from '@lc/system';
import { UsageError } from '../args.js';

export async function planCommand(dir: string, args: readonly string[], executor: Executor | undefined): Promise<number> {
  if (args.length === 0) throw new UsageError('plan: no command given');
  const { model } = await loadContainerConfig(dir);
  // With a terminal the plan binds the pty that `exec` opens; its number is only known then.
  const consolePath = model.process.terminal ? { consolePath: '/dev/pts/<N>' } : {};
  process.stdout.write(`${renderPlan(buildInitPlan(model, args, linuxSystem(), { ...(executor ? { executor } : {}), ...consolePath }))}\n`);
  return 0;
}
