// nsinit ps: the container's processes, as runc ps shows them (a table, or --json).
import { containerProcesses } from '@lc/nsinit';
import { UsageError } from '../args.js';

export function psCommand(dir: string, args: readonly string[]): number {
  const json = args[0] === '--json';
  if (args.length > (json ? 1 : 0)) throw new UsageError(`ps: unexpected argument ${args[json ? 1 : 0]}`);
  const processes = containerProcesses(dir);
  if (json) {
    process.stdout.write(`${JSON.stringify(processes)}\n`);
    return 0;
  }
  const rows = [['PID', 'CPID', 'COMMAND'], ...processes.map((p) => [String(p.pid), String(p.containerPid), p.command.join(' ')])];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row[0]!.padStart(widths[0]!)} ${row[1]!.padStart(widths[1]!)}  ${row[2]}\n`);
  return 0;
}
