import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from './container-state.js';
import { containerEvents, eventQueue } from './events.js';
import { createHostRootfs } from './host-rootfs.js';

describe('eventQueue', () => {
  it('yields what was pushed, in order, waiting for more until end()', async () => {
    const queue = eventQueue<number>();
    queue.push(1);
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const value of queue.drain()) seen.push(value);
    })();
    await Promise.resolve();
    queue.push(2);
    queue.push(3);
    queue.end();
    queue.push(4);
    await consumed;
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('containerEvents', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function containerDir(): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'lc-events-'));
    await createHostRootfs(dir);
    return dir;
  }

  it('refuses a directory with no running container', async () => {
    await containerDir();
    await expect(containerEvents(dir).next()).rejects.toThrow(`${dir}: no container is running there`);
  });

  it('refuses a running container without cgroups', async () => {
    await containerDir();
    // This process stands in for the container: the record matches a live process.
    writeFileSync(join(dir, 'pid'), String(process.pid));
    writeFileSync(join(dir, 'start'), processStartTime(process.pid)!);
    await expect(containerEvents(dir).next()).rejects.toThrow(/no cgroups/);
  });
});
