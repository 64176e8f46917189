// What cfmakeraw(3) does to a kernel `struct termios` (System.terminalMode), the mode
// `docker run -it` puts the caller's terminal in. Node's setRawMode (libuv) leaves
// output post-processing on: the container's \n, already \r\n from its own pty, would
// reach the screen as \r\r\n, and a full-screen program's bare \n (cursor down) would
// also return the cursor to column 0.
const IFLAG = 0;
const OFLAG = 4;
const CFLAG = 8;
const LFLAG = 12;
const CC = 17;
const VTIME = 5;
const VMIN = 6;

// <asm-generic/termbits.h>, octal as there.
const IGNBRK = 0o1;
const BRKINT = 0o2;
const PARMRK = 0o10;
const ISTRIP = 0o40;
const INLCR = 0o100;
const IGNCR = 0o200;
const ICRNL = 0o400;
const IXON = 0o2000;
const OPOST = 0o1;
const CSIZE = 0o60;
const CS8 = 0o60;
const PARENB = 0o400;
const ISIG = 0o1;
const ICANON = 0o2;
const ECHO = 0o10;
const ECHONL = 0o100;
const IEXTEN = 0o100000;

/** A copy of `mode` made raw: no input or output processing, no echo, no signals, 8 bits. */
export function makeRaw(mode: Uint8Array): Uint8Array {
  const raw = Buffer.from(mode);
  const clear = (offset: number, bits: number) => raw.writeUInt32LE((raw.readUInt32LE(offset) & ~bits) >>> 0, offset);
  clear(IFLAG, IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  clear(OFLAG, OPOST);
  clear(LFLAG, ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  clear(CFLAG, CSIZE | PARENB);
  raw.writeUInt32LE((raw.readUInt32LE(CFLAG) | CS8) >>> 0, CFLAG);
  // read() returns as soon as one byte is there.
  raw[CC + VMIN] = 1;
  raw[CC + VTIME] = 0;
  return raw;
}
