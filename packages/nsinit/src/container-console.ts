// A process's terminal (`tty: true`): the parent opens a pty, gives the slave to the
// process as fds 0, 1 and 2 (the plan makes it the controlling terminal and, for a
// container's first process, /dev/console), and keeps the master, whose streams are
// the process's stdin and stdout.
import { fchmodSync, fchownSync } from 'node:fs';
import { type ContainerModel, hasNamespace, type IdMapping } from '@lc/config-types';
import { terminalStreams } from '@lc/console';
import type { System, WindowSize } from '@lc/system';
import type { ContainerProcess } from './exit-status.js';

/** The parent's side of a process's terminal. */
export interface ContainerTerminal {
  /** The pty master. Closed once the process's output has been read to its end. */
  readonly fd: number;
  /** TIOCSWINSZ: the process's foreground process group gets SIGWINCH. Nothing once the master is closed. */
  resize(size: WindowSize): void;
}

export interface ProcessConsole {
  /** The slave, for fds 0, 1 and 2 of the process. */
  readonly stdio: readonly [number, number, number];
  /** The slave's path: in the host's devpts (the container's /dev/console), or in the container's. */
  readonly path: string;
  /** Once the process holds its copy: the parent closes its slave (or it never sees EOF). */
  launched(): void;
  /** Once the process runs: its stdin, stdout and terminal are the master's. */
  attach(handle: ContainerProcess): ContainerProcess;
  /** Starting failed: both ends are closed. */
  close(): void;
}

/**
 * `root`: for a process joining a running container, its root (/proc/<pid>/root): the
 * pty is then allocated in the container's own devpts, so that inside it is /dev/pts/N
 * (`tty`, `ps -o tty`), as `docker exec -t` gives. A container's first process gets one
 * of the host's devpts (its own is not mounted yet) as /dev/console.
 */
export function openProcessConsole(model: ContainerModel, sys: System, root?: string): ProcessConsole | undefined {
  if (!model.process.terminal) return undefined;
  const pty = sys.openPty(root);
  let slave: number | undefined = pty.slave;
  const closeSlave = () => {
    if (slave !== undefined) sys.close(slave);
    slave = undefined;
  };
  try {
    // /dev/console is the container root's, and no one else's (0600), as with runc.
    const owner = { uid: rootHostId(model, model.uidMappings), gid: rootHostId(model, model.gidMappings) };
    if (owner.uid !== undefined && owner.gid !== undefined) fchownSync(pty.slave, owner.uid, owner.gid);
    fchmodSync(pty.slave, 0o600);
  } catch (error) {
    closeSlave();
    sys.close(pty.master);
    throw error;
  }
  return {
    stdio: [pty.slave, pty.slave, pty.slave],
    path: pty.path,
    launched: closeSlave,
    attach: (handle) => {
      const { input, output } = terminalStreams(pty.master, sys);
      // The output stream closes the master at its end; its number may be reused then.
      let open = true;
      output.once('close', () => {
        open = false;
      });
      const terminal: ContainerTerminal = {
        fd: pty.master,
        resize: (size) => {
          if (open) sys.setWindowSize(pty.master, size);
        },
      };
      return { ...handle, stdin: input, stdout: output, stderr: null, terminal };
    },
    close: () => {
      closeSlave();
      sys.close(pty.master);
    },
  };
}

/** The host id the container's root (id 0) has; undefined when 0 is not mapped. */
function rootHostId(model: ContainerModel, mappings: readonly IdMapping[]): number | undefined {
  if (!hasNamespace(model, 'user')) return 0;
  return mappings.find((m) => m.containerId === 0)?.hostId;
}
