// A NETLINK_ROUTE socket over raw syscalls from @lc/system.
//
// Receives block: every exchange here is one request answered by the kernel while it
// handles our sendto (an ACK, an error, or a dump it produces on the spot), so the
// answer is already queued, or queued within microseconds, when recvfrom runs. A
// receive timeout (SO_RCVTIMEO) turns a lost answer into an error instead of a hang.
import { CLONE, SysError, type System, syscallNumber } from '@lc/system';
import { AF_NETLINK, MSG_TRUNC, NETLINK_ROUTE, NLM_F, NLMSG, SOCK_CLOEXEC, SOCK_RAW } from './constants.js';
import { decodeMessages, encodeMessage, type MessageHeader, messageErrno, type NetlinkMessage } from './message.js';

const SOCKADDR_NL_SIZE = 12; // u16 nl_family, u16 pad, u32 nl_pid, u32 nl_groups
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20; // the same on x86-64 and aarch64 (asm-generic)
const EINTR = 4;
const EAGAIN = 11;
// A dump datagram is at most ~32 KiB (the kernel sizes it from our receive buffer,
// capped at 32 KiB); with MSG_TRUNC a bigger one is reported, not silently cut.
const RECEIVE_BUFFER = 64 * 1024;
const RECEIVE_TIMEOUT_SECONDS = 5;

export interface NetlinkSocketOptions {
  /**
   * An open /proc/<pid>/ns/net fd: the socket is created while the main thread is in
   * that namespace (a socket stays bound to the namespace it was created in), and the
   * thread returns to its own namespace before this returns.
   */
  readonly netns?: number;
}

export interface RequestOptions {
  /** A GET with NLM_F_DUMP: collect every part until NLMSG_DONE. */
  readonly dump?: boolean;
}

export class NetlinkSocket {
  private seq: number;
  private readonly buffer = new Uint8Array(RECEIVE_BUFFER);
  private readonly from = new Uint8Array(SOCKADDR_NL_SIZE);
  private readonly fromLength = new Uint8Array(4);
  private closed = false;

  private constructor(
    private readonly sys: System,
    readonly fd: number,
  ) {
    // Start from the clock so replies to an earlier socket with a recycled port id are
    // unlikely to match; they are skipped by seq anyway.
    this.seq = Math.floor(Date.now() / 1000) >>> 0;
  }

  static open(sys: System, options: NetlinkSocketOptions = {}): NetlinkSocket {
    const fd = options.netns === undefined ? createSocket(sys) : inNamespace(sys, options.netns, () => createSocket(sys));
    const socket = new NetlinkSocket(sys, fd);
    try {
      socket.setReceiveTimeout(RECEIVE_TIMEOUT_SECONDS);
      socket.bind();
    } catch (error) {
      sys.close(fd);
      throw error;
    }
    return socket;
  }

  /**
   * Sends one request and waits for its answer. Returns the data messages (a GET's
   * reply, or every part of a dump). A kernel error becomes a SysError whose message
   * names `operation`: `link add veth lcab12: EEXIST`.
   */
  request(operation: string, header: Omit<MessageHeader, 'seq' | 'pid'>, parts: readonly Uint8Array[], options: RequestOptions = {}): NetlinkMessage[] {
    if (this.closed) throw new Error(`${operation}: netlink socket is closed`);
    this.seq = (this.seq + 1) >>> 0;
    const seq = this.seq;
    // A dump ends with NLMSG_DONE; anything else is asked to end with an ACK so that
    // success is confirmed, not assumed.
    const flags = header.flags | NLM_F.REQUEST | (options.dump ? NLM_F.DUMP : NLM_F.ACK);
    this.send(operation, encodeMessage({ type: header.type, flags, seq }, parts));
    const replies: NetlinkMessage[] = [];
    for (;;) {
      for (const message of this.receive(operation)) {
        if (message.seq !== seq) continue; // a late answer to an earlier request
        if (message.type === NLMSG.ERROR || message.type === NLMSG.DONE) {
          const errno = messageErrno(message);
          if (errno !== 0) throw new SysError(operation, errno);
          return replies;
        }
        if (message.type === NLMSG.NOOP) continue;
        replies.push(message);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sys.close(this.fd);
  }

  private call(name: 'bind' | 'sendto' | 'recvfrom' | 'setsockopt', args: readonly bigint[]): bigint {
    return this.sys.syscall(name, syscallNumber(name, this.sys.arch), args);
  }

  private setReceiveTimeout(seconds: number): void {
    const timeval = new Uint8Array(16); // struct timeval: s64 tv_sec, s64 tv_usec
    new DataView(timeval.buffer).setBigInt64(0, BigInt(seconds), true);
    this.call('setsockopt', [BigInt(this.fd), BigInt(SOL_SOCKET), BigInt(SO_RCVTIMEO), this.sys.addressOf(timeval), 16n]);
  }

  private bind(): void {
    // nl_pid 0: the kernel picks a unique port id for us.
    const address = sockaddrNl(0);
    this.call('bind', [BigInt(this.fd), this.sys.addressOf(address), BigInt(address.length)]);
  }

  private send(operation: string, bytes: Uint8Array): void {
    const kernel = sockaddrNl(0);
    const sent = retryEintr(() => this.call('sendto', [BigInt(this.fd), this.sys.addressOf(bytes), BigInt(bytes.length), 0n, this.sys.addressOf(kernel), BigInt(kernel.length)]), operation);
    if (Number(sent) !== bytes.length) throw new Error(`${operation}: netlink sent ${sent} of ${bytes.length} bytes`);
  }

  private receive(operation: string): NetlinkMessage[] {
    for (;;) {
      new DataView(this.fromLength.buffer).setUint32(0, SOCKADDR_NL_SIZE, true);
      let length: number;
      try {
        length = Number(
          retryEintr(
            () =>
              this.call('recvfrom', [BigInt(this.fd), this.sys.addressOf(this.buffer), BigInt(this.buffer.length), BigInt(MSG_TRUNC), this.sys.addressOf(this.from), this.sys.addressOf(this.fromLength)]),
            operation,
          ),
        );
      } catch (error) {
        if (SysError.isInstance(error) && error.errno === EAGAIN) throw new Error(`${operation}: no answer from the kernel in ${RECEIVE_TIMEOUT_SECONDS}s`);
        throw error;
      }
      if (length > this.buffer.length) throw new Error(`${operation}: netlink message of ${length} bytes does not fit in ${this.buffer.length}`);
      // Only the kernel (port id 0) answers requests; ignore anything another process sent.
      if (new DataView(this.from.buffer).getUint32(4, true) !== 0) continue;
      // Copy: the buffer is reused by the next receive.
      return decodeMessages(this.buffer.slice(0, length));
    }
  }
}

function sockaddrNl(pid: number): Uint8Array {
  const address = new Uint8Array(SOCKADDR_NL_SIZE);
  const view = new DataView(address.buffer);
  view.setUint16(0, AF_NETLINK, true);
  view.setUint32(4, pid, true);
  return address;
}

function createSocket(sys: System): number {
  return Number(sys.syscall('socket', syscallNumber('socket', sys.arch), [BigInt(AF_NETLINK), BigInt(SOCK_RAW | SOCK_CLOEXEC), BigInt(NETLINK_ROUTE)]));
}

/**
 * Runs `fn` with the main thread in the network namespace `netns`, then returns it to
 * the namespace it was in. setns(CLONE_NEWNET) is allowed in a threaded process (unlike
 * CLONE_NEWNS or CLONE_NEWUSER), and only the calling thread moves.
 */
export function inNamespace<T>(sys: System, netns: number, fn: () => T): T {
  const own = sys.openNamespace('self', 'net');
  try {
    sys.setns(netns, CLONE.NEWNET);
    try {
      return fn();
    } finally {
      sys.setns(own, CLONE.NEWNET);
    }
  } finally {
    sys.close(own);
  }
}

function retryEintr(call: () => bigint, operation: string): bigint {
  for (let attempt = 0; ; attempt++) {
    try {
      return call();
    } catch (error) {
      if (!(SysError.isInstance(error) && error.errno === EINTR) || attempt > 100) {
        if (SysError.isInstance(error) && error.errno !== EAGAIN) throw new SysError(`${operation}: ${error.syscall}`, error.errno, { cause: error });
        throw error;
      }
    }
  }
}
