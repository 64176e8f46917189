// nsinit events: the running container's events as JSON lines, until it exits.
import { containerEvents } from '@lc/nsinit';
import { UsageError } from '../args.js';
import { untilInterrupted } from './stats-watch.js';

export async function eventsCommand(dir: string, args: readonly string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`events: unexpected argument ${args[0]}`);
  await untilInterrupted(async (signal) => {
    for await (const event of containerEvents(dir, { signal })) process.stdout.write(`${JSON.stringify(event)}\n`);
  });
  return 0;
}
