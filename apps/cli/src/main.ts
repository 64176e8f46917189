// nsinit: a thin layer over @lc/nsinit. argv in, exit code out; every failure of
// nsinit itself is one line on stderr and exit status 125, so it can never be
// mistaken for the container's own exit status.
import { parseArgs, USAGE, UsageError } from './args.js';

const RUNTIME_ERROR = 125;

async function main(argv: readonly string[]): Promise<number> {
  const { dir, executor, command, rest } = parseArgs(argv, process.env, process.cwd());
  switch (command) {
    // Each command loads only what it needs: module loading is most of the time
    // `nsinit exec` takes (a process per container).
    case 'exec':
      return (await import('./commands/exec.js')).execCommand(dir, rest, executor);
    case 'plan':
      return (await import('./commands/plan.js')).planCommand(dir, rest, executor);
    case 'rootfs':
      return (await import('./commands/rootfs.js')).rootfsCommand(rest);
    case 'stats':
      return (await import('./commands/control.js')).statsCommand(dir, rest);
    case 'events':
      return (await import('./commands/events.js')).eventsCommand(dir, rest);
    case 'pause':
      return (await import('./commands/control.js')).pauseCommand(dir);
    case 'unpause':
      return (await import('./commands/control.js')).unpauseCommand(dir);
    case 'ps':
      return (await import('./commands/ps.js')).psCommand(dir, rest);
    case 'delete':
      return (await import('./commands/control.js')).deleteCommand(dir, rest);
    case 'help':
    case undefined:
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? RUNTIME_ERROR : 0;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`nsinit: ${message.split('\n')[0]}\n`);
    if (error instanceof UsageError) process.stderr.write('run nsinit help for usage\n');
    process.exitCode = RUNTIME_ERROR;
  },
);
