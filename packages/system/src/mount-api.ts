// Constants of openat2(2) and the new mount API (open_tree, move_mount, fsopen, fsconfig,
// fsmount, mount_setattr; Linux 5.2–5.12), from include/uapi/linux/{openat2,mount}.h and
// fcntl.h. The same on x86-64 and aarch64.

/** struct open_how's `resolve`: how openat2 may walk the path. */
export const RESOLVE = {
  NO_XDEV: 0x01,
  /** No /proc/<pid>/fd/N-style links: they jump anywhere, whatever the root. */
  NO_MAGICLINKS: 0x02,
  NO_SYMLINKS: 0x04,
  BENEATH: 0x08,
  /** The dirfd is "/" for this walk: `..`, absolute paths and symlinks stay below it. */
  IN_ROOT: 0x10,
  CACHED: 0x20,
} as const;

/** sizeof(struct open_how): u64 flags, u64 mode, u64 resolve. */
export const OPEN_HOW_SIZE = 24;

/** open_tree and mount_setattr: the whole tree below the mount, not only its top. */
export const AT_RECURSIVE = 0x8000;

export const OPEN_TREE = {
  /** A detached copy of the mount (a bind that is not attached anywhere yet). */
  CLONE: 1,
  CLOEXEC: 0x80000,
} as const;

export const MOVE_MOUNT = {
  F_SYMLINKS: 0x01,
  F_AUTOMOUNTS: 0x02,
  F_EMPTY_PATH: 0x04,
  T_SYMLINKS: 0x10,
  T_AUTOMOUNTS: 0x20,
  T_EMPTY_PATH: 0x40,
} as const;

export const FSOPEN_CLOEXEC = 1;
export const FSMOUNT_CLOEXEC = 1;

/** fsconfig's commands. */
export const FSCONFIG = {
  SET_FLAG: 0,
  SET_STRING: 1,
  SET_BINARY: 2,
  SET_PATH: 3,
  SET_PATH_EMPTY: 4,
  SET_FD: 5,
  CMD_CREATE: 6,
  CMD_RECONFIGURE: 7,
  CMD_CREATE_EXCL: 8,
} as const;

/** Per-mount attributes (fsmount, mount_setattr); relatime is 0. */
export const MOUNT_ATTR = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  NOATIME: 0x10,
  STRICTATIME: 0x20,
  NODIRATIME: 0x80,
  IDMAP: 0x100000,
  NOSYMFOLLOW: 0x200000,
} as const;

/** sizeof(struct mount_attr), MOUNT_ATTR_SIZE_VER0: u64 attr_set, attr_clr, propagation, userns_fd. */
export const MOUNT_ATTR_SIZE = 32;
