import { containerStats, pauseContainer, resumeContainer } from '@lc/nsinit';

export async function statsCommand(dir: string): Promise<number> {
  process.stdout.write(`${JSON.stringify(await containerStats(dir), null, 2)}\n`);
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
