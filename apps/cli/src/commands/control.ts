import { containerNetworkStats, containerStats, deleteContainer, pauseContainer, resumeContainer } from '@lc/nsinit';
import { UsageError } from '../args.js';

export async function statsCommand(dir: string, args: readonly string[] = []): Promise<number> {
  if (args[0] === '--watch' && args.length === 1) return (await import('./stats-watch.js')).statsWatchCommand(dir);
  if (args.length > 0) throw new UsageError(`stats: unexpected argument ${args[0]}`);
  // The network counters need no cgroups: a container without them still has these.
  const network = containerNetworkStats(dir);
  const cgroups = await containerStats(dir).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'NO_CGROUPS') return undefined;
    throw error;
  });
  process.stdout.write(`${JSON.stringify({ ...cgroups, network }, null, 2)}\n`);
  return 0;
}

export async function pauseCommand(dir: string): Promise<number> {
  await pauseContainer(dir);
  return 0;
}

export async function unpauseCommand(dir: string): Promise<number> {
  await resumeContainer(dir);
  return 0;
}

export async function deleteCommand(dir: string, args: readonly string[]): Promise<number> {
  const force = args[0] === '--force' || args[0] === '-f';
  if (args.length > (force ? 1 : 0)) throw new UsageError(`delete: unexpected argument ${args[force ? 1 : 0]}`);
  await deleteContainer(dir, { force });
  return 0;
}
