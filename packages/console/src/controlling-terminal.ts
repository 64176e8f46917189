// Plan steps for a process whose fds 0, 1 and 2 are the pty's slave: make it the
// process's controlling terminal, so that ^C, ^Z and a resize (SIGWINCH) reach the
// terminal's foreground process group, and a hangup reaches the session.
import { errnoNumber, type PlanBuilder, steps, TIOC } from '@lc/system';

export function controllingTerminalSteps(b: PlanBuilder): void {
  // TIOCSCTTY gives a terminal only to a session leader that has no controlling
  // terminal yet (EPERM otherwise). The process was cloned inside nsinit's session —
  // not its leader, maybe with nsinit's own terminal — and the parent opened the slave
  // O_NOCTTY, so having it as fd 0 made it no one's controlling terminal. setsid()
  // first: a new session, this process its leader, no terminal; then fd 0 becomes it.
  // The argument 0: never steal a terminal that is another session's.
  // EPERM: already a process group leader — the Node init is spawned detached, and so
  // leads a session of its own already; TIOCSCTTY then fails if it did not.
  steps.setsid(b, { onError: { policy: 'ignore-errno', errno: errnoNumber('EPERM') } });
  steps.ioctl(b, 0, TIOC.SCTTY, 0, 'make the console the controlling terminal');
}
