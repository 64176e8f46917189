import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const uniqueName = () => `c-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Polls `check` every 10 ms until it holds or `ms` passed. */
export async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await delay(10);
  }
  return check();
}

export function sleeper(): ChildProcess {
  return spawn('sleep', ['30'], { stdio: 'ignore' });
}

/**
 * A shell loop that writes an ever-growing counter into a file, with builtins only: no
 * child of it can outlive the killed shell and write into the directory being removed.
 * A read between the truncation and the write sees 0.
 */
export function counter(): { child: ChildProcess; read: () => number; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lc-counter-'));
  const file = join(dir, 'n');
  const child = spawn('sh', ['-c', `i=0; while :; do i=$((i+1)); echo $i > ${file}; done`], { stdio: 'ignore' });
  const read = () => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim() || '0') : 0);
  return { child, read, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** True when the counter does not move over `polls` reads 20 ms apart. */
export async function stands(read: () => number, polls = 10): Promise<boolean> {
  const first = read();
  for (let i = 0; i < polls; i++) {
    await delay(20);
    if (read() !== first) return false;
  }
  return true;
}
