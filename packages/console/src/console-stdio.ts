// A container's first process gets its terminal as /dev/console, the way a system's
// init does: after the pivot the plan opens /dev/console (the pty slave bound there)
// and puts it on fds 0, 1 and 2. Opened by that path, the fds are named /dev/console
// inside the container (readlink /proc/self/fd/0, `tty`, `ps -o tty`); the slave the
// parent handed over lives in the host's devpts, a path the container cannot see.
import { O, type PlanBuilder, steps } from '@lc/system';

export function consoleStdioSteps(b: PlanBuilder): void {
  const console = b.slot('console');
  // O_NOCTTY: the controlling terminal is chosen explicitly (controllingTerminalSteps).
  // O_CLOEXEC: this fd itself goes at exec; its copies on 0, 1 and 2 stay.
  steps.openat(b, '/dev/console', O.RDWR | O.NOCTTY | O.CLOEXEC, 0, console, { label: 'open /dev/console' });
  for (const fd of [0, 1, 2]) steps.dup3(b, console, fd, `put /dev/console on fd ${fd}`);
}
