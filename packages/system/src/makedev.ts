/**
 * A device number as mknod(2) takes it from user space (the kernel's
 * new_encode_dev): minor's low byte, major, then minor's upper bits.
 */
export function makedev(major: number, minor: number): number {
  return ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;
}
