/**
 * Polls `done` until it is true or `timeoutMs` passed; resolves to whether it became true.
 * The kernel finishes a freeze asynchronously (each task freezes when it next returns to
 * user space), usually within a few hundred microseconds, so the first polls come on
 * setImmediate and only then back off to timers of up to 10 ms. `again` runs before each
 * timer poll: v1 needs FROZEN rewritten to retry tasks that could not freeze yet.
 */
export async function waitFor(done: () => boolean, timeoutMs: number, again?: () => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let poll = 0; ; poll++) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    if (poll < 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else {
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(10, poll - 19)));
      again?.();
    }
  }
}
