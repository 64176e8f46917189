// cgroup v1 OOM notification: an eventfd registered on memory.oom_control through
// cgroup.event_control. The kernel adds 1 to the eventfd's counter at every OOM of
// the cgroup (or a descendant), and once more when it removes the cgroup.
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { O, type System, syscallNumber } from '@lc/system';
import { errnoCode, wrapCgroupError } from './cgroup-error.js';
import type { OomWatch } from './oom-events.js';

const COUNTER_SIZE = 8;

export function watchV1Oom(dir: string, onOom: () => void, sys: System): OomWatch {
  const opened: number[] = [];
  let watcher: { close(): void } | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // The poll first: libuv must stop watching an fd before it is closed.
    watcher?.close();
    for (const fd of opened.reverse()) closeSync(fd);
  };
  try {
    const eventfd = Number(sys.syscall('eventfd2', syscallNumber('eventfd2', sys.arch), [0n, BigInt(O.CLOEXEC | O.NONBLOCK)]));
    opened.push(eventfd);
    const oomControl = openSync(join(dir, 'memory.oom_control'), O.RDONLY | O.CLOEXEC);
    opened.push(oomControl);
    // The registration lives as long as the eventfd: closing it (close()) unregisters.
    writeFileSync(join(dir, 'cgroup.event_control'), `${eventfd} ${oomControl}`);
    const drain = () => {
      if (closed) return;
      let count = readCounter(eventfd);
      if (count === 0) return;
      // The removal of the cgroup signals the eventfd too: that one is no OOM.
      if (!existsSync(join(dir, 'cgroup.event_control'))) {
        count -= 1;
        close();
      }
      for (let i = 0; i < count; i++) onOom();
    };
    watcher = sys.watchReadable(eventfd, drain);
    return { close, drain };
  } catch (error) {
    close();
    throw wrapCgroupError('memory', `watch ${join(dir, 'memory.oom_control')}`, error, dir);
  }
}

/** The eventfd counter (reading resets it), 0 when nothing happened since the last read. */
function readCounter(fd: number): number {
  const buffer = Buffer.alloc(COUNTER_SIZE);
  try {
    readSync(fd, buffer, 0, COUNTER_SIZE, null);
  } catch (error) {
    if (errnoCode(error) === 'EAGAIN') return 0;
    throw error;
  }
  return Number(buffer.readBigUInt64LE(0));
}
