// The device rules on the real kernel: a v2 eBPF program attached to a cgroup2
// directory, and the v1 devices files. A shell is moved into the cgroup before it
// opens anything (it waits on its stdin), then /dev/null must open and /dev/zero not.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linuxSystem } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDeviceProgram } from '../src/bpf.js';
import { deviceProgram, encodeInstructions, ins } from '../src/device-program.js';
import { type DeviceRule, deviceRules, formatDeviceRule, v1DeviceWrites } from '../src/devices.js';

const nullOnly: DeviceRule[] = [
  { type: 'a', major: '*', minor: '*', access: 'rwm', allow: false },
  { type: 'c', major: 1, minor: 3, access: 'rw', allow: true },
];

// A hybrid host mounts cgroup2 at /sys/fs/cgroup/unified, a pure v2 host at /sys/fs/cgroup.
const v2Root = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((root) => existsSync(join(root, 'cgroup.procs')) && isCgroup2(root));
const v1Root = existsSync('/sys/fs/cgroup/devices/devices.allow') ? '/sys/fs/cgroup/devices' : undefined;

function isCgroup2(root: string): boolean {
  return existsSync(join(root, 'cgroup.subtree_control'));
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lc-devices-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  // Nothing of ours may be left in any hierarchy.
  for (const root of [v2Root, v1Root]) {
    if (root === undefined) continue;
    for (const name of [`lc-test-devices-${process.pid}`, `lc-test-devices-v1-${process.pid}`]) {
      expect(existsSync(join(root, name))).toBe(false);
    }
  }
});

interface ShellResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the device checks in a shell that joins `cgroupDir` before it touches a device. */
async function checkDevicesIn(cgroupDir: string): Promise<ShellResult> {
  const node = join(scratch, `zero-${Math.random().toString(36).slice(2)}`);
  const script = [
    'read x',
    'echo > /dev/null && echo null-ok',
    'head -c1 /dev/zero > /dev/null && echo zero-ok || echo zero-denied',
    `mknod ${node} c 1 5 && echo mknod-ok || echo mknod-denied`,
  ].join('\n');
  const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  try {
    // The shell is blocked in `read` until the line comes: it joins the cgroup first.
    writeFileSync(join(cgroupDir, 'cgroup.procs'), String(child.pid));
    child.stdin.end('go\n');
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const code = await exited;
  rmSync(node, { force: true });
  return { code, stdout, stderr };
}

function expectOnlyNull(result: ShellResult): void {
  expect(result.stdout.split('\n').filter(Boolean)).toEqual(['null-ok', 'zero-denied', 'mknod-denied']);
  expect(result.stderr).toMatch(/\/dev\/zero.*Operation not permitted/);
}

describe.skipIf(!isRoot || v2Root === undefined)(`cgroup v2 device program (${needsRoot})`, () => {
  it('lets a process in the cgroup open /dev/null and nothing else', async () => {
    const dir = join(v2Root as string, `lc-test-devices-${process.pid}`);
    mkdirSync(dir);
    try {
      const attached = attachDeviceProgram(linuxSystem(), dir, deviceProgram(nullOnly));
      try {
        expectOnlyNull(await checkDevicesIn(dir));
      } finally {
        attached.detach();
      }
      // Detached: the same cgroup no longer restricts anything.
      const free = await checkDevicesIn(dir);
      expect(free.stdout.split('\n').filter(Boolean)).toEqual(['null-ok', 'zero-ok', 'mknod-ok']);
    } finally {
      rmdirSync(dir);
    }
  });

  it('loads the full default program and allows what the 2014 list allows', async () => {
    const dir = join(v2Root as string, `lc-test-devices-${process.pid}`);
    mkdirSync(dir);
    try {
      const attached = attachDeviceProgram(linuxSystem(), dir, deviceProgram(deviceRules({ deviceAccess: false }, [])));
      try {
        const result = await checkDevicesIn(dir);
        // /dev/zero is on the list, and mknod of any char device is.
        expect(result.stdout.split('\n').filter(Boolean)).toEqual(['null-ok', 'zero-ok', 'mknod-ok']);
      } finally {
        attached.detach();
      }
    } finally {
      rmdirSync(dir);
    }
  });

  it('a program the verifier refuses is one error line with its reason', () => {
    const dir = join(v2Root as string, `lc-test-devices-${process.pid}`);
    mkdirSync(dir);
    try {
      // exit without setting r0: the verifier refuses to read an unset register.
      expect(() => attachDeviceProgram(linuxSystem(), dir, encodeInstructions([ins.exit()]))).toThrow(
        /^cgroups\.allowed_devices: load device program: EACCES \(verifier: R0 !read_ok\)$/,
      );
    } finally {
      rmdirSync(dir);
    }
  });

  it('a removed cgroup takes its program with it: detach afterwards is quiet', () => {
    const dir = join(v2Root as string, `lc-test-devices-${process.pid}`);
    mkdirSync(dir);
    const attached = attachDeviceProgram(linuxSystem(), dir, deviceProgram(nullOnly));
    rmdirSync(dir);
    expect(() => attached.detach()).not.toThrow();
  });
});

describe.skipIf(!isRoot || v1Root === undefined)(`cgroup v1 devices files (${needsRoot})`, () => {
  const dir = join(v1Root ?? '/', `lc-test-devices-v1-${process.pid}`);

  it('takes the 2014 default list in the order written', () => {
    mkdirSync(dir);
    try {
      const rules = deviceRules({ deviceAccess: false }, []);
      for (const write of v1DeviceWrites(rules)) writeFileSync(join(dir, write.file), write.value);
      const list = readFileSync(join(dir, 'devices.list'), 'utf8').split('\n').filter(Boolean);
      expect(list.sort()).toEqual(rules.slice(1).map(formatDeviceRule).sort());
    } finally {
      rmdirSync(dir);
    }
  });

  it('lets a process in the cgroup open /dev/null and nothing else', async () => {
    mkdirSync(dir);
    try {
      for (const write of v1DeviceWrites(nullOnly)) writeFileSync(join(dir, write.file), write.value);
      expectOnlyNull(await checkDevicesIn(dir));
    } finally {
      rmdirSync(dir);
    }
  });
});
