// The real System on the real kernel: koffi bindings, errno, the executor.
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, describe, expect, it } from 'vitest';
import { AT_FDCWD, CLONE, executePlan, linuxSystem, O, PlanBuilder, SysError, steps } from '../src/index.js';

const sys = linuxSystem();
const scratch = mkdtempSync(join(tmpdir(), 'lc-system-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('linuxSystem', () => {
  it('makes close-on-exec pipes and closes them', () => {
    const [read, write] = sys.pipe();
    const flags = readFileSync(`/proc/self/fdinfo/${read}`, 'utf8');
    expect(flags).toMatch(/flags:\s+0*2000000/); // O_CLOEXEC, octal
    sys.close(read);
    sys.close(write);
    expect(() => sys.close(write)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'close' }));
  });

  it('opens an unlocked pty pair whose slave is the numbered /dev/pts entry, sizes it and sets its mode', () => {
    const pty = sys.openPty();
    try {
      expect(readlinkSync(`/proc/self/fd/${pty.slave}`)).toBe(pty.path);
      for (const fd of [pty.master, pty.slave]) {
        expect(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')).toMatch(/flags:\s+0*2[0-7]{6}/); // O_CLOEXEC
      }
      sys.setWindowSize(pty.master, { rows: 33, columns: 101 });
      expect(sys.windowSize(pty.slave)).toEqual({ rows: 33, columns: 101 });
      // c_oflag is the second 32-bit word: OPOST (1) is on for a new pty; turn it off.
      const mode = Buffer.from(sys.terminalMode(pty.slave));
      expect(mode.readUInt32LE(4) & 1).toBe(1);
      mode.writeUInt32LE(mode.readUInt32LE(4) & ~1, 4);
      sys.setTerminalMode(pty.slave, mode);
      expect(Buffer.from(sys.terminalMode(pty.slave)).readUInt32LE(4) & 1).toBe(0);
    } finally {
      sys.close(pty.master);
      sys.close(pty.slave);
    }
  });

  it.skipIf(!isRoot)("opens a pty in another root's devpts, resolving that root's links inside it", () => {
    // The host's own root: its /dev/pts is a devpts (ptmx mode 000 there: root only).
    const pty = sys.openPty('/');
    expect(readlinkSync(`/proc/self/fd/${pty.slave}`)).toBe(pty.path);
    sys.close(pty.master);
    sys.close(pty.slave);

    // A root whose dev/pts links to /dev/pts: followed as the root's own /dev/pts, that
    // is, to itself (ELOOP) — on the host's it would have opened the host's ptmx.
    const root = join(scratch, 'root');
    mkdirSync(join(root, 'dev'), { recursive: true });
    symlinkSync('/dev/pts', join(root, 'dev/pts'));
    expect(() => sys.openPty(root)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    // Something there that is no devpts ptmx is refused.
    rmSync(join(root, 'dev/pts'));
    mkdirSync(join(root, 'dev/pts'));
    writeFileSync(join(root, 'dev/pts/ptmx'), '');
    expect(() => sys.openPty(root)).toThrow(expect.objectContaining({ code: 'ENOTTY' }));
  });

  it('throws SysError with code, errno, syscall and path for file reads', () => {
    let error: unknown;
    try {
      sys.readFile(join(scratch, 'missing'));
    } catch (caught) {
      error = caught;
    }
    expect(SysError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ENOENT', errno: 2, syscall: 'open', path: join(scratch, 'missing') });
  });

  it('runs a plan against the real kernel and reports the failing step', () => {
    const b = new PlanBuilder(sys.arch);
    const fd = b.slot('fd');
    steps.mkdirAt(b, AT_FDCWD, join(scratch, 'd'), 0o700);
    steps.openat(b, join(scratch, 'd/f'), O.WRONLY | O.CREAT | O.CLOEXEC, 0o600, fd);
    steps.write(b, fd, 'written by a plan');
    steps.close(b, fd);
    steps.mkdirAt(b, AT_FDCWD, join(scratch, 'd'), 0o700);
    expect(executePlan(b.build(), sys, {})).toEqual({ step: 4, errno: 17 });
    expect(readFileSync(join(scratch, 'd/f'), 'utf8')).toBe('written by a plan');
  });

  it.skipIf(!isRoot)(`unshares and restores a namespace on the main thread (${needsRoot})`, () => {
    const saved = sys.openNamespace('self', 'uts');
    const before = readlinkSync('/proc/self/ns/uts');
    try {
      sys.unshare(CLONE.NEWUTS);
      const b = new PlanBuilder(sys.arch);
      steps.sethostname(b, 'lc-unshared');
      expect(executePlan(b.build(), sys, {})).toBeUndefined();
      expect(hostname()).toBe('lc-unshared');
    } finally {
      sys.setns(saved, CLONE.NEWUTS);
      sys.close(saved);
    }
    expect(hostname()).not.toBe('lc-unshared');
    expect(readlinkSync('/proc/self/ns/uts')).toBe(before);
  });
});
