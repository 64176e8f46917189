import { createHostRootfs } from '@lc/nsinit';
import { UsageError } from '../args.js';

export async function rootfsCommand(args: readonly string[]): Promise<number> {
  const tty = args[0] === '--tty';
  const [dir, ...extra] = tty ? args.slice(1) : args;
  if (dir === undefined || extra.length > 0) throw new UsageError('rootfs: needs exactly one directory');
  await createHostRootfs(dir, { tty });
  process.stdout.write(`${dir}: container directory ready (container.json, rootfs/)\n`);
  return 0;
}
