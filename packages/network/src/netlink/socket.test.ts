// NetlinkSocket against a scripted kernel: the replies are the captured kernel bytes,
// with their sequence number rewritten to the one the socket sent.
import { SysError } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { ACK_LO_UP, ENODEV_DEL, hex, LINK_DUMP_LO } from './kernel-fixtures.test-data.js';
import { decodeMessages, type NetlinkMessage } from './message.js';
import { NetlinkSocket } from './socket.js';

const FD = 7;

interface Datagram {
  readonly bytes: Uint8Array;
  /** Rewrite every message's seq to the last request's (as the kernel would answer). */
  readonly matchSeq?: boolean;
  readonly fromPid?: number;
}

class FakeKernel extends FakeSystem {
  readonly syscalls: string[] = [];
  readonly sent: NetlinkMessage[] = [];
  readonly queue: (Datagram | 'EAGAIN')[] = [];
  closed: number[] = [];
  #buffers = new Map<bigint, Uint8Array>();
  #next = 0x10000n;

  override addressOf(buffer: Uint8Array): bigint {
    const address = this.#next;
    this.#next += 0x10000n;
    this.#buffers.set(address, buffer);
    return address;
  }

  override close(fd: number): void {
    this.closed.push(fd);
  }

  override syscall(name: string, _nr: number, args: readonly bigint[]): bigint {
    this.syscalls.push(name);
    const buffer = (i: number): Uint8Array => this.#buffers.get(args[i] ?? 0n)!;
    switch (name) {
      case 'socket':
        expect(args).toEqual([16n, BigInt(3 | 0x80000), 0n]); // AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE
        return BigInt(FD);
      case 'setsockopt':
      case 'bind':
        return 0n;
      case 'sendto': {
        const bytes = buffer(1).subarray(0, Number(args[2]));
        this.sent.push(...decodeMessages(bytes.slice()));
        return BigInt(bytes.length);
      }
      case 'recvfrom': {
        const next = this.queue.shift();
        if (next === undefined || next === 'EAGAIN') throw new SysError('recvfrom', 11);
        const bytes = next.bytes.slice();
        if (next.matchSeq !== false) {
          for (let offset = 0; offset < bytes.length; ) {
            const view = new DataView(bytes.buffer, offset);
            view.setUint32(8, this.sent.at(-1)!.seq, true);
            offset += (view.getUint32(0, true) + 3) & ~3;
          }
        }
        buffer(1).set(bytes);
        new DataView(buffer(4).buffer).setUint32(4, next.fromPid ?? 0, true);
        return BigInt(bytes.length);
      }
      default:
        throw new Error(`unexpected syscall ${name}`);
    }
  }
}

const empty = [new Uint8Array(16)];

describe('NetlinkSocket', () => {
  it('opens AF_NETLINK/SOCK_RAW|SOCK_CLOEXEC/NETLINK_ROUTE, sets a receive timeout, binds', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    expect(kernel.syscalls).toEqual(['socket', 'setsockopt', 'bind']);
    socket.close();
    socket.close();
    expect(kernel.closed).toEqual([FD]);
  });

  it('asks for an ACK, numbers requests, and returns on the ACK of its own seq', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    kernel.queue.push({ bytes: hex(ACK_LO_UP), matchSeq: false }, { bytes: hex(ACK_LO_UP) });
    expect(socket.request('link set lo up', { type: 16, flags: 0 }, empty)).toEqual([]);
    kernel.queue.push({ bytes: hex(ACK_LO_UP) });
    socket.request('link set lo up', { type: 16, flags: 0 }, empty);
    const [first, second] = kernel.sent;
    expect(first?.flags).toBe(0x1 | 0x4); // NLM_F_REQUEST | NLM_F_ACK
    expect(second!.seq).toBe((first!.seq + 1) >>> 0);
    expect(kernel.queue).toEqual([]); // the stale ACK was read and skipped
  });

  it('turns NLMSG_ERROR into a SysError naming the operation', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    kernel.queue.push({ bytes: hex(ENODEV_DEL) });
    let error: unknown;
    try {
      socket.request('link del nope0', { type: 17, flags: 0 }, empty);
    } catch (caught) {
      error = caught;
    }
    expect(SysError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ message: 'link del nope0: ENODEV', code: 'ENODEV', errno: 19 });
  });

  it('collects a multipart dump until NLMSG_DONE', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    kernel.queue.push(...LINK_DUMP_LO.map((datagram) => ({ bytes: hex(datagram) })));
    const parts = socket.request('link show', { type: 18, flags: 0 }, empty, { dump: true });
    expect(kernel.sent[0]?.flags).toBe(0x1 | 0x300); // NLM_F_REQUEST | NLM_F_DUMP
    expect(parts.map((m) => m.type)).toEqual([16]);
  });

  it('ignores datagrams not sent by the kernel', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    kernel.queue.push({ bytes: hex(ENODEV_DEL), fromPid: 4242 }, { bytes: hex(ACK_LO_UP) });
    expect(socket.request('link del nope0', { type: 17, flags: 0 }, empty)).toEqual([]);
  });

  it('gives up with one line when the kernel does not answer', () => {
    const kernel = new FakeKernel();
    const socket = NetlinkSocket.open(kernel);
    kernel.queue.push('EAGAIN');
    expect(() => socket.request('link set lo up', { type: 16, flags: 0 }, empty)).toThrow('link set lo up: no answer from the kernel in 5s');
  });
});
