import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CgroupManager } from './manager.js';
import { watchOom } from './oom-events.js';
import { oomsSince, parseMemoryEvents, watchV2Oom } from './oom-events-v2.js';

const events = (oom: number, oomKill: number) => `low 0\nhigh 3\nmax 12\noom ${oom}\noom_kill ${oomKill}\noom_group_kill 0\n`;

describe('parseMemoryEvents', () => {
  it('reads the oom and oom_kill counters', () => {
    expect(parseMemoryEvents(events(2, 1))).toEqual({ oom: 2, oomKill: 1 });
  });

  it('reads 0 for counters an older kernel lacks', () => {
    expect(parseMemoryEvents('low 0\nhigh 0\nmax 0\n')).toEqual({ oom: 0, oomKill: 0 });
  });
});

describe('oomsSince', () => {
  const base = { oom: 5, oomKill: 4 };

  it('counts an OOM once when both counters rose', () => {
    expect(oomsSince(base, { oom: 6, oomKill: 5 }, 0)).toBe(1);
  });

  it('counts an OOM once when the reading fell between oom and oom_kill', () => {
    expect(oomsSince(base, { oom: 6, oomKill: 4 }, 0)).toBe(1);
    expect(oomsSince(base, { oom: 6, oomKill: 5 }, 1)).toBe(0);
  });

  it('counts an OOM without a kill, and several at once', () => {
    expect(oomsSince(base, { oom: 6, oomKill: 4 }, 0)).toBe(1);
    expect(oomsSince(base, { oom: 8, oomKill: 7 }, 1)).toBe(2);
  });

  it('counts nothing when nothing changed', () => {
    expect(oomsSince(base, base, 0)).toBe(0);
  });
});

describe('watchV2Oom', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('calls back once per OOM written to memory.events, and stops at close()', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-oom-'));
    writeFileSync(join(dir, 'memory.events'), events(1, 1));
    let seen = 0;
    let notify = () => {};
    const watch = watchV2Oom(dir, () => {
      seen += 1;
      notify();
    });
    const twoMore = new Promise<void>((resolve) => {
      notify = () => seen === 2 && resolve();
    });
    writeFileSync(join(dir, 'memory.events'), events(2, 1));
    writeFileSync(join(dir, 'memory.events'), events(3, 3));
    await twoMore;
    watch.close();
    writeFileSync(join(dir, 'memory.events'), events(9, 9));
    watch.drain();
    expect(seen).toBe(2);
  });

  it('reports what drain() finds before the watcher fires', () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-oom-'));
    writeFileSync(join(dir, 'memory.events'), events(0, 0));
    let seen = 0;
    const watch = watchV2Oom(dir, () => {
      seen += 1;
    });
    writeFileSync(join(dir, 'memory.events'), events(1, 1));
    watch.drain();
    watch.close();
    expect(seen).toBe(1);
  });

  it('names the file when the cgroup has no memory.events', () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-oom-'));
    expect(() => watchV2Oom(dir, () => {})).toThrow(/^cgroups\.memory: watch .*\/memory\.events: ENOENT$/);
  });
});

describe('watchOom', () => {
  it('refuses a v1 manager without a memory hierarchy', () => {
    const manager = { layout: 'v1', paths: { pids: '/x' } } as unknown as CgroupManager;
    expect(() => watchOom(manager, () => {}, undefined as never)).toThrow('cgroups.memory: watch oom: no memory cgroup hierarchy is mounted');
  });
});
