import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LcError } from '@lc/config-types';
import { errnoNumber, SysError, syscallNumber } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachDeviceProgram, progAttachAttr, progLoadAttr, verifierMessage } from './bpf.js';
import { CgroupError } from './cgroup-error.js';
import { deviceProgram } from './device-program.js';
import { deviceRules } from './devices.js';

/** A fake that remembers which buffer each address stands for, so tests can read the attrs. */
class RecordingSystem extends FakeSystem {
  readonly buffers = new Map<bigint, Uint8Array>();
  override addressOf(buffer: Uint8Array): bigint {
    const address = super.addressOf(buffer);
    this.buffers.set(address, buffer);
    return address;
  }
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

interface BpfCall {
  readonly command: number;
  readonly attr: DataView;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-bpf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function scripted(answer: (call: BpfCall, sys: RecordingSystem) => bigint): { sys: RecordingSystem; calls: BpfCall[] } {
  const sys = new RecordingSystem();
  const calls: BpfCall[] = [];
  sys.script('syscall', (name, nr, args) => {
    expect([name, nr]).toEqual(['bpf', syscallNumber('bpf', 'x64')]);
    const attr = sys.buffers.get(args[1] as bigint) as Uint8Array;
    expect(args[2]).toBe(BigInt(attr.length));
    // Copy: the attr buffer is reused by nobody, but the assertion should see the call's bytes.
    const call = { command: Number(args[0]), attr: new DataView(attr.slice().buffer) };
    calls.push(call);
    return answer(call, sys);
  });
  sys.script('close', () => undefined);
  return { sys, calls };
}

const program = deviceProgram(deviceRules({ deviceAccess: false }, []));

describe('bpf attrs', () => {
  it('lays out BPF_PROG_LOAD', () => {
    const attr = new DataView(progLoadAttr({ insns: 0x1000n, insnCount: 7, license: 0x2000n }).buffer);
    expect(attr.getUint32(0, true)).toBe(15); // BPF_PROG_TYPE_CGROUP_DEVICE
    expect(attr.getUint32(4, true)).toBe(7);
    expect(attr.getBigUint64(8, true)).toBe(0x1000n);
    expect(attr.getBigUint64(16, true)).toBe(0x2000n);
    expect(attr.getUint32(24, true)).toBe(0); // no log unless asked
    expect(new TextDecoder().decode(new Uint8Array(attr.buffer, 48, 10))).toBe('lc_devices');
    expect(attr.getUint8(58)).toBe(0); // prog_name is NUL-terminated
  });

  it('lays out BPF_PROG_ATTACH', () => {
    const attr = new DataView(progAttachAttr(9, 11, 2).buffer);
    expect([0, 4, 8, 12, 16].map((at) => attr.getUint32(at, true))).toEqual([9, 11, 6, 2, 0]);
  });
});

describe('attachDeviceProgram', () => {
  it('loads, attaches with BPF_F_ALLOW_MULTI, and detaches without flags', () => {
    const { sys, calls } = scripted((call) => (call.command === 5 ? 42n : 0n));
    const attached = attachDeviceProgram(sys, dir, program);
    expect(calls.map((c) => c.command)).toEqual([5, 8]);
    const [load, attach] = calls as [BpfCall, BpfCall];
    expect(load.attr.getUint32(4, true)).toBe(program.length / 8);
    expect(sys.buffers.get(load.attr.getBigUint64(8, true))).toBe(program);
    const license = sys.buffers.get(load.attr.getBigUint64(16, true)) as Uint8Array;
    expect(new TextDecoder().decode(license)).toBe('Apache-2.0\0');
    const cgroupFd = attach.attr.getUint32(0, true);
    expect([attach.attr.getUint32(4, true), attach.attr.getUint32(8, true), attach.attr.getUint32(12, true)]).toEqual([42, 6, 2]);

    attached.detach();
    const detach = calls[2] as BpfCall;
    expect(detach.command).toBe(9);
    expect([0, 4, 8, 12].map((at) => detach.attr.getUint32(at, true))).toEqual([cgroupFd, 42, 6, 0]);
    expect(sys.calls.filter((c) => c.method === 'close').map((c) => c.args)).toEqual([[42]]);
    attached.detach(); // a second detach does nothing
    expect(calls).toHaveLength(3);
  });

  it('names the verifier refusal in one line', () => {
    const { sys, calls } = scripted((call, fake) => {
      const logBuf = call.attr.getBigUint64(32, true);
      if (logBuf !== 0n) {
        const log = fake.buffers.get(logBuf) as Uint8Array;
        log.set(new TextEncoder().encode('0: R1=ctx() R10=fp0\n0: (95) exit\nR0 !read_ok\nprocessed 1 insns (limit 1000000)\n\0'));
      }
      throw new SysError('bpf', errnoNumber('EACCES'));
    });
    const error = catchError(() => attachDeviceProgram(sys, dir, program));
    expect(CgroupError.isInstance(error) && LcError.isInstance(error)).toBe(true);
    expect([(error as CgroupError).code, (error as CgroupError).message]).toEqual([
      'EACCES',
      'cgroups.allowed_devices: load device program: EACCES (verifier: R0 !read_ok)',
    ]);
    expect(calls.map((c) => [c.command, c.attr.getUint32(24, true)])).toEqual([
      [5, 0],
      [5, 1],
    ]);
  });

  it('closes the program fd when the attach fails', () => {
    const { sys } = scripted((call) => {
      if (call.command === 5) return 42n;
      throw new SysError('bpf', errnoNumber('EBADF'));
    });
    expect(() => attachDeviceProgram(sys, dir, program)).toThrow(`cgroups.allowed_devices: attach device program to ${dir}: EBADF`);
    expect(sys.calls.filter((c) => c.method === 'close').map((c) => c.args)).toEqual([[42]]);
  });

  it('treats a cgroup already removed as detached', () => {
    const { sys } = scripted((call) => {
      if (call.command === 9) throw new SysError('bpf', errnoNumber('ENOENT'));
      return call.command === 5 ? 42n : 0n;
    });
    expect(() => attachDeviceProgram(sys, dir, program).detach()).not.toThrow();
  });

  it('names a cgroup directory that cannot be opened', () => {
    const { sys } = scripted(() => 0n);
    expect(() => attachDeviceProgram(sys, join(dir, 'gone'), program)).toThrow(
      `cgroups.allowed_devices: open ${join(dir, 'gone')}: ENOENT`,
    );
  });

  it('refuses bytes that are not whole instructions', () => {
    const { sys } = scripted(() => 0n);
    expect(() => attachDeviceProgram(sys, dir, new Uint8Array(12))).toThrow('load device program: 12 bytes is not a program');
  });
});

describe('verifierMessage', () => {
  it('is empty for an empty log', () => {
    expect(verifierMessage(new Uint8Array(16))).toBe('');
  });
});
