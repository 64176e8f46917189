// The input of a pty master as a stream. Writes go straight to the (O_NONBLOCK) fd on
// the main thread, not through the tty.ReadStream's libuv handle: libuv writes a tty
// it could not reopen (a master) with blocking write(2) on the event loop, so input
// the container does not read yet would stop the loop — and with it the reading of
// the output the container is blocked on (a `cat` deadlocks at about 60 KB). Nor on
// the threadpool: a write(2) blocked on a full master is not woken when the last
// slave closes (the kernel wakes it before the slave's count drops), so it could wait
// forever. When the master is full (EAGAIN), the rest is tried again after a short,
// growing delay: Node offers no writable-poll on an fd.
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';

/**
 * VEOF (^D, the default c_cc[VEOF]): a canonical-mode reader at the start of a line
 * reads end of file. After a partial line it only hands over that line, so input
 * that did not end with a newline gets a second one.
 */
const VEOF = Buffer.from([0x04]);
const VEOF_AFTER_PARTIAL_LINE = Buffer.from([0x04, 0x04]);

const FIRST_RETRY_MS = 1;
const LAST_RETRY_MS = 64;

/** What the input needs of the master: its fd, and whether it is still open. */
export interface MasterFd {
  readonly masterFd: number;
  /** True once the fd is closed or closing: it must not be used any more. */
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

export class TerminalInput extends Writable {
  readonly #master: MasterFd;
  #atLineStart = true;
  #retry: { timer: NodeJS.Timeout; callback: (error?: Error | null) => void } | undefined;
  #retryMs = FIRST_RETRY_MS;

  constructor(master: MasterFd) {
    super();
    this.#master = master;
    // The terminal closed: input still waiting for room has no reader any more.
    master.once('close', () => this.#abandonRetry());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.length > 0) this.#atLineStart = chunk[chunk.length - 1] === 0x0a || chunk[chunk.length - 1] === 0x0d;
    this.#send(chunk, callback);
  }

  // End of input on a terminal is a character, not a shutdown of the fd: the master
  // stays open for the output that is still to come.
  override _final(callback: (error?: Error | null) => void): void {
    this.#send(this.#atLineStart ? VEOF : VEOF_AFTER_PARTIAL_LINE, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#retry) clearTimeout(this.#retry.timer);
    this.#retry = undefined;
    callback(error);
  }

  #send(chunk: Buffer, callback: (error?: Error | null) => void): void {
    let rest = chunk;
    // Once the master is closed its number may belong to another file: the rest is dropped.
    while (rest.length > 0 && !this.#master.destroyed) {
      let written: number;
      try {
        written = writeSync(this.#master.masterFd, rest);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') this.#sendLater(rest, callback);
        // EIO: no one has the slave open any more. Input to a closed terminal is
        // dropped, as a terminal drops it; the output may still be read to its end.
        else callback(code === 'EIO' ? null : (error as Error));
        return;
      }
      rest = rest.subarray(written);
      this.#retryMs = FIRST_RETRY_MS;
    }
    callback();
  }

  #sendLater(rest: Buffer, callback: (error?: Error | null) => void): void {
    const timer = setTimeout(() => {
      this.#retry = undefined;
      this.#send(rest, callback);
    }, this.#retryMs);
    this.#retry = { timer, callback };
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
  }

  #abandonRetry(): void {
    if (!this.#retry) return;
    clearTimeout(this.#retry.timer);
    const { callback } = this.#retry;
    this.#retry = undefined;
    callback();
  }
}
