// The output of a pty master as a stream: one tty.ReadStream (a libuv handle, read from
// the event loop as node-pty reads its master), taught the two ways a master ends.
//
// - A master's read(2) fails with EIO once no one has the slave open and everything
//   the slave wrote was read. That is the end of the output, not an error.
// - libuv (1.46, Node 20) reports end of file as soon as a read was short and the poll
//   said POLLHUP — which a master says as soon as the slave was closed, while the
//   kernel may still hold output: a container that wrote 8000 bytes and exited is
//   read as 4095 and the end. The rest is read here before the end goes out.
//
// The fd must be O_NONBLOCK (terminalStreams sets it): the rest is read synchronously
// and must stop at EAGAIN if someone opened the slave again, not wait for them.
import { readSync } from 'node:fs';
import { ReadStream } from 'node:tty';

const REST_CHUNK = 64 * 1024;

export class MasterStream extends ReadStream {
  readonly masterFd: number;

  constructor(fd: number) {
    super(fd);
    this.masterFd = fd;
  }

  // Called by Node's stream code with each chunk libuv read, and with null at its end
  // of file: the moment to read what libuv left in the kernel.
  override push(chunk: Buffer | string | null, encoding?: BufferEncoding): boolean {
    if (chunk === null && !this.destroyed) {
      const failure = this.#pushRest();
      if (failure) {
        super.destroy(failure);
        return false;
      }
    }
    return super.push(chunk, encoding);
  }

  // Node's stream code turns a failed read into destroy(error). For EIO that would
  // emit 'error' and drop output still buffered in this stream; end it instead.
  // (Everything else is destroyed as usual.)
  override destroy(error?: Error): this {
    if (isSlaveGone(error)) {
      this.push(null);
      return this;
    }
    return super.destroy(error);
  }

  /** Reads until the kernel has nothing more: EIO (no slave) or EAGAIN (reopened, idle). */
  #pushRest(): Error | undefined {
    const buffer = Buffer.allocUnsafe(REST_CHUNK);
    for (;;) {
      let count: number;
      try {
        count = readSync(this.masterFd, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'EIO' || code === 'EAGAIN' ? undefined : (error as Error);
      }
      if (count === 0) return undefined;
      super.push(Buffer.from(buffer.subarray(0, count)));
    }
  }
}

function isSlaveGone(error: Error | undefined): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  return e?.code === 'EIO' && e.syscall === 'read';
}
