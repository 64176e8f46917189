import { describe, expect, it } from 'vitest';
import { makeRaw } from './termios.js';

/** A cooked terminal as a new pty has it (stty sane): flag words, then c_line and c_cc. */
function cooked(): Buffer {
  const mode = Buffer.alloc(36);
  mode.writeUInt32LE(0o2400 | 0o40000, 0); // ICRNL | IXON | IUTF8
  mode.writeUInt32LE(0o5, 4); // OPOST | ONLCR
  mode.writeUInt32LE(0o277, 8); // B38400 | CS8 | CREAD
  mode.writeUInt32LE(0o105073, 12); // ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
  mode[17 + 6] = 1; // VMIN
  return mode;
}

describe('makeRaw', () => {
  it('turns off input and output processing, echo, canonical mode and signals, as cfmakeraw', () => {
    const raw = Buffer.from(makeRaw(cooked()));
    expect((raw.readUInt32LE(0) & 0o2400).toString(8)).toBe('0'); // ICRNL, IXON
    expect(raw.readUInt32LE(0) & 0o40000).toBe(0o40000); // IUTF8 kept
    expect(raw.readUInt32LE(4) & 0o1).toBe(0); // OPOST
    expect(raw.readUInt32LE(4) & 0o4).toBe(0o4); // ONLCR itself kept: OPOST gates it
    expect(raw.readUInt32LE(8) & 0o60).toBe(0o60); // CS8
    expect((raw.readUInt32LE(12) & 0o100113).toString(8)).toBe('0'); // ISIG ICANON ECHO ECHONL IEXTEN
    expect([raw[17 + 6], raw[17 + 5]]).toEqual([1, 0]); // VMIN 1, VTIME 0
  });

  it('leaves the mode it was given as it was', () => {
    const mode = cooked();
    makeRaw(mode);
    expect(mode).toEqual(cooked());
  });
});
