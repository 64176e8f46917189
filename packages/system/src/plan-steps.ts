// One function per syscall a plan uses: each knows its arguments' formats and writes
// the label an error line will carry. Packages build their steps with these rather
// than with raw `PlanBuilder.step` calls.
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, CLONE, F_DUPFD, F_SETFD, LINUX_CAPABILITY_VERSION_3, PR, SIG_SETMASK } from './constants.js';
import { MOUNT_ATTR_SIZE, OPEN_HOW_SIZE } from './mount-api.js';
import { type ArgInput, type DataRef, EXECUTOR_INPUT, imm, type PlanBuilder, type SlotRef, type StepOptions } from './plan.js';
import { renderValue } from './render-plan.js';

const cwd = imm(AT_FDCWD, 'fd');

/** A directory argument: a slot, or AT_FDCWD shown by name. */
function at(dir: ArgInput): ArgInput {
  return typeof dir === 'number' || typeof dir === 'bigint' ? imm(dir, 'fd') : dir;
}

export interface MountArgs {
  readonly source: string | null;
  readonly target: string;
  readonly fstype?: string | null;
  readonly flags: number;
  readonly data?: string | null;
}

export function mount(b: PlanBuilder, m: MountArgs, options: StepOptions = {}): number {
  const what = m.fstype ?? (m.source ?? 'none');
  return b.step(
    'mount',
    [m.source, m.target, m.fstype ?? null, imm(m.flags, 'mount-flags'), m.data ?? null],
    { label: `mount ${what} on ${m.target}`, ...options },
  );
}

export function umount2(b: PlanBuilder, target: string, flags: number, options: StepOptions = {}): number {
  return b.step('umount2', [target, imm(flags, 'umount-flags')], { label: `umount ${target}`, ...options });
}

/**
 * mkdirat(dir, name, mode). `dir` is a directory fd (a slot) or AT_FDCWD; a `name` of one
 * component is created in that very directory, whatever happens to paths meanwhile.
 */
export function mkdirAt(b: PlanBuilder, dir: ArgInput, name: string, mode: number, options: StepOptions = {}): number {
  return b.step('mkdirat', [at(dir), name, imm(mode, 'octal')], { label: `mkdir ${name}`, ...options });
}

/**
 * mknodat(dir, name, mode, dev): `mode` includes the file type (S_IFCHR...; S_IFREG makes
 * an empty file, which needs no CAP_MKNOD); `dev` is makedev(major, minor). It never
 * follows a symlink at `name` (EEXIST).
 */
export function mknodAt(b: PlanBuilder, dir: ArgInput, name: string, mode: number, dev: number, options: StepOptions = {}): number {
  return b.step('mknodat', [at(dir), name, imm(mode, 'octal'), imm(dev, 'dev')], { label: `mknod ${name}`, ...options });
}

export function symlinkAt(b: PlanBuilder, target: string, dir: ArgInput, name: string, options: StepOptions = {}): number {
  return b.step('symlinkat', [target, at(dir), name], { label: `symlink ${name} -> ${target}`, ...options });
}

/** fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW): a symlink at `name` is chowned itself, never followed. */
export function chownAt(b: PlanBuilder, dir: ArgInput, name: string, uid: number, gid: number, options: StepOptions = {}): number {
  return b.step('fchownat', [at(dir), name, uid, gid, imm(AT_SYMLINK_NOFOLLOW, 'at-flags')], { label: `chown ${name}`, ...options });
}

export function chmod(b: PlanBuilder, path: string, mode: number, options: StepOptions = {}): number {
  return b.step('fchmodat', [cwd, path, imm(mode, 'octal')], { label: `chmod ${path}`, ...options });
}

export function openat(
  b: PlanBuilder,
  path: string,
  flags: number,
  mode: number,
  result: SlotRef,
  options: StepOptions = {},
): number {
  return b.step('openat', [cwd, path, imm(flags, 'open-flags'), imm(mode, 'octal')], {
    label: `open ${path}`,
    result,
    ...options,
  });
}

export function write(b: PlanBuilder, fd: ArgInput, bytes: string, options: StepOptions = {}): number {
  const encoded = new TextEncoder().encode(bytes);
  const data = b.bytes(encoded, JSON.stringify(bytes));
  // The length in bytes: a string's length counts UTF-16 units.
  return b.step('write', [fd, data, encoded.length], { label: 'write', ...options });
}

export function close(b: PlanBuilder, fd: ArgInput, options: StepOptions = {}): number {
  return b.step('close', [fd], { label: 'close', ...options });
}

export function fchdir(b: PlanBuilder, fd: ArgInput, options: StepOptions = {}): number {
  return b.step('fchdir', [fd], { label: 'fchdir', ...options });
}

export function chdir(b: PlanBuilder, path: string, options: StepOptions = {}): number {
  return b.step('chdir', [path], { label: `chdir ${path}`, ...options });
}

export function chroot(b: PlanBuilder, path: string, options: StepOptions = {}): number {
  return b.step('chroot', [path], { label: `chroot ${path}`, ...options });
}

export function pivotRoot(b: PlanBuilder, newRoot: string, putOld: string, options: StepOptions = {}): number {
  return b.step('pivot_root', [newRoot, putOld], { label: `pivot_root ${newRoot}`, ...options });
}

export function sethostname(b: PlanBuilder, name: string, options: StepOptions = {}): number {
  return b.step('sethostname', [name, Buffer.byteLength(name)], { label: `sethostname ${name}`, ...options });
}

export function unshare(b: PlanBuilder, flags: number, options: StepOptions = {}): number {
  return b.step('unshare', [imm(flags, 'clone-flags')], { label: 'unshare', ...options });
}

export function umask(b: PlanBuilder, mask: number, options: StepOptions = {}): number {
  // umask never fails; its result is the old mask, not an error.
  return b.step('umask', [imm(mask, 'octal')], { label: 'umask', ...options });
}

export function prctl(b: PlanBuilder, option: number, arg: ArgInput, label: string, options: StepOptions = {}): number {
  return b.step('prctl', [imm(option, 'prctl'), arg, 0, 0, 0], { label, ...options });
}

export function setgroups(b: PlanBuilder, gids: readonly number[], options: StepOptions = {}): number {
  const list = new Uint8Array(4 * gids.length);
  const view = new DataView(list.buffer);
  for (const [i, gid] of gids.entries()) view.setUint32(4 * i, gid, true);
  const data = gids.length > 0 ? b.bytes(list, `[${gids.join(', ')}]`) : null;
  return b.step('setgroups', [gids.length, data], { label: 'setgroups', ...options });
}

export function setresgid(b: PlanBuilder, gid: number, options: StepOptions = {}): number {
  return b.step('setresgid', [gid, gid, gid], { label: `setresgid ${gid}`, ...options });
}

/**
 * seccomp(SECCOMP_SET_MODE_FILTER, 0, program): the calling thread's system calls go
 * through `program` (classic BPF) from now on, and after execve too. Needs no_new_privs
 * or CAP_SYS_ADMIN in the caller's user namespace.
 */
export function seccompFilter(b: PlanBuilder, program: Uint8Array, describe: string, options: StepOptions = {}): number {
  const SECCOMP_SET_MODE_FILTER = 1;
  return b.step('seccomp', [SECCOMP_SET_MODE_FILTER, 0, b.fprog(program, describe)], { label: 'install the seccomp filter', ...options });
}

/** RLIM_INFINITY: no limit. */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/**
 * prlimit64(0, resource, {soft, hard}, NULL): the calling process's limit. Lowering needs
 * no privilege; raising a hard limit needs CAP_SYS_RESOURCE in the initial user namespace.
 */
export function setRlimit(b: PlanBuilder, resource: number, soft: bigint, hard: bigint, label: string, options: StepOptions = {}): number {
  const limits = new Uint8Array(16);
  const view = new DataView(limits.buffer);
  view.setBigUint64(0, soft, true);
  view.setBigUint64(8, hard, true);
  const show = (value: bigint) => (value === RLIM_INFINITY ? 'RLIM_INFINITY' : String(value));
  const data = b.bytes(limits, `{rlim_cur=${show(soft)}, rlim_max=${show(hard)}}`);
  return b.step('prlimit64', [0, resource, data, null], { label, ...options });
}

/** A new session with the caller as its leader and no controlling terminal yet. */
export function setsid(b: PlanBuilder, options: StepOptions = {}): number {
  return b.step('setsid', [], { label: 'setsid', ...options });
}

export function setresuid(b: PlanBuilder, uid: number, options: StepOptions = {}): number {
  return b.step('setresuid', [uid, uid, uid], { label: `setresuid ${uid}`, ...options });
}

/**
 * Sets effective and permitted to the capability numbers, and inheritable to none: an
 * inheritable capability would pass to a program whose file lists it inheritable
 * (`cap_dac_override+ei`) whoever runs it (CVE-2022-29162).
 */
export function capset(b: PlanBuilder, caps: readonly number[], names: readonly string[], options: StepOptions = {}): number {
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, LINUX_CAPABILITY_VERSION_3, true); // pid 0: this thread
  const data = new Uint8Array(24); // two __user_cap_data_struct {effective, permitted, inheritable}
  const view = new DataView(data.buffer);
  for (const cap of caps) {
    const word = cap >> 5;
    const bit = 1 << (cap & 31);
    for (const field of [0, 4]) {
      const offset = word * 12 + field;
      view.setUint32(offset, (view.getUint32(offset, true) | bit) >>> 0, true);
    }
  }
  const shown = names.length > 0 ? names.join('|') : '0';
  return b.step(
    'capset',
    [b.bytes(header, '{_LINUX_CAPABILITY_VERSION_3, 0}'), b.bytes(data, `{effective=permitted=${shown}, inheritable=0}`)],
    { label: 'capset', ...options },
  );
}

export function fcntlSetFd(b: PlanBuilder, fd: ArgInput, flags: number, options: StepOptions = {}): number {
  return b.step('fcntl', [fd, imm(F_SETFD, 'fcntl'), flags], { label: `fcntl F_SETFD`, ...options });
}

export function closeRange(b: PlanBuilder, first: number, flags: number, options: StepOptions = {}): number {
  return b.step('close_range', [first, imm(0xffffffff, 'hex'), imm(flags, 'close-range-flags')], {
    label: 'close_range',
    ...options,
  });
}

/** Restores the default action of one signal (Node ignores SIGPIPE and SIGXFSZ). */
export function signalDefault(b: PlanBuilder, signal: number, options: StepOptions = {}): number {
  const action = b.bytes(new Uint8Array(32), '{SIG_DFL}');
  return b.step('rt_sigaction', [imm(signal, 'signal'), action, null, 8], { label: 'reset signal', ...options });
}

export function unblockAllSignals(b: PlanBuilder, options: StepOptions = {}): number {
  const empty = b.bytes(new Uint8Array(8), '[]');
  return b.step('rt_sigprocmask', [imm(SIG_SETMASK, 'sigmask-how'), empty, null, 8], {
    label: 'unblock signals',
    ...options,
  });
}

export function execve(
  b: PlanBuilder,
  path: string,
  argv: readonly string[] | DataRef,
  envp: readonly string[] | DataRef,
  options: StepOptions = {},
): number {
  const list = (value: readonly string[] | DataRef) => ('kind' in value ? value : b.strings(value));
  return b.step('execve', [path, list(argv), list(envp)], { label: `exec ${path}`, ...options });
}

export function socket(b: PlanBuilder, domain: number, type: number, result: SlotRef, options: StepOptions = {}): number {
  return b.step('socket', [imm(domain, 'address-family'), imm(type, 'socket-type'), 0], { label: 'socket', result, ...options });
}

export function ioctl(b: PlanBuilder, fd: ArgInput, request: number, arg: ArgInput, label: string, options: StepOptions = {}): number {
  return b.step('ioctl', [fd, imm(request, 'ioctl'), arg], { label, ...options });
}

export function read(b: PlanBuilder, fd: ArgInput, size: number, label: string, options: StepOptions = {}): number {
  return b.step('read', [fd, b.scratch(size), size], { label, ...options });
}

export function dup3(b: PlanBuilder, oldFd: ArgInput, newFd: number, label: string, options: StepOptions = {}): number {
  return b.step('dup3', [oldFd, newFd, 0], { label, ...options });
}

export function setns(b: PlanBuilder, fd: ArgInput, nstype: number, label: string, options: StepOptions = {}): number {
  return b.step('setns', [fd, imm(nstype, 'clone-flags')], { label, ...options });
}

/**
 * Forks the process into one whose parent is the executor's parent (CLONE_PARENT), so
 * it can wait for it; the pid lands in `result`, goes to the parent as a report record
 * on the error pipe, and the forking side exits. No CLONE_VM: the new process gets a
 * copy of the executor's own small address space (it runs after the re-exec), never a
 * share of anyone's — and that copy's user namespace stays the one the image was
 * exec'd in, so `namespaces` made by this fork (user, pid, …) give no one inside
 * them a way to ptrace it. x86-64 argument order.
 */
export function forkIntoParent(b: PlanBuilder, result: SlotRef, label: string, namespaces = 0, options: StepOptions = {}): number {
  return b.step('clone', [imm(CLONE.PARENT | namespaces, 'clone-flags'), 0, 0, 0, 0], { label, result, fork: true, report: true, ...options });
}

/** Copies of every placed input are made at or above this fd before any is placed. */
const PLACING_FLOOR = 64;

/**
 * Moves every input that names an fd (`PlanBuilder.input(name, fd)`) to that fd, not
 * close-on-exec, so it survives the executor's re-exec while everything else the
 * process inherited from its parent (close-on-exec there) does not. Two passes: a copy
 * of each above PLACING_FLOOR first, so that putting one in place (dup3 closes what held
 * that number) never closes the source of another. Returns the highest fd placed.
 */
export function placeInputs(b: PlanBuilder): number {
  const inputs = b.placedInputs();
  const copies = inputs.map((input) => {
    if (input.fd >= PLACING_FLOOR) throw new Error(`input ${input.name}: fd ${input.fd} is not below ${PLACING_FLOOR}`);
    const copy = b.slot(`${input.name}-copy`);
    b.step('fcntl', [input.ref, imm(F_DUPFD, 'fcntl'), PLACING_FLOOR], { label: `copy $${input.name} above fd ${PLACING_FLOOR}`, result: copy });
    return copy;
  });
  for (const [i, input] of inputs.entries()) dup3(b, copies[i]!, input.fd, `put $${input.name} at fd ${input.fd}`);
  return Math.max(2, ...inputs.map((input) => input.fd));
}

/**
 * Execs the native executor itself from its sealed memfd (the EXECUTOR_INPUT): the
 * process leaves the memory it shared with its parent for an image holding only the
 * executor and a copy of the plan, and goes on with the next step (native-elf.ts).
 * Every close-on-exec fd it inherited is gone after it.
 */
export function reexecExecutor(b: PlanBuilder, options: StepOptions = {}): number {
  return b.step('execveat', [b.input(EXECUTOR_INPUT), '', b.strings(['lc-init']), b.strings([]), imm(AT_EMPTY_PATH, 'at-flags')], {
    label: 'exec the plan executor in an address space of its own',
    reexec: true,
    ...options,
  });
}

/**
 * PR_SET_DUMPABLE 0: only a process with CAP_SYS_PTRACE in the initial user namespace
 * may open this process's /proc/<pid>/{mem,fd,cwd,root,exe,environ} or ptrace it, and
 * its /proc files belong to root. The kernel sets it again at execve from the new
 * program's credentials.
 */
export function notDumpable(b: PlanBuilder, options: StepOptions = {}): number {
  return prctl(b, PR.SET_DUMPABLE, 0, 'not dumpable until exec (no /proc/<pid>/mem, fd, exe for anyone else)', options);
}

/** struct open_how: how openat2 opens and resolves. */
export interface OpenHow {
  /** O_* flags; O_PATH with anything but O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC is EINVAL. */
  readonly flags: number;
  /** Only with O_CREAT or O_TMPFILE, otherwise 0. */
  readonly mode?: number;
  /** RESOLVE_* flags. */
  readonly resolve: number;
}

/**
 * openat2(dir, path, how, 24): with RESOLVE_IN_ROOT, `dir` is the root of the walk —
 * an absolute `path`, `..` and every symlink stay below it — so a container path opened
 * from a rootfs fd cannot lead out of the rootfs, whatever was renamed since the plan.
 */
export function openat2(b: PlanBuilder, dir: ArgInput, path: string, how: OpenHow, result: SlotRef, options: StepOptions = {}): number {
  const bytes = new Uint8Array(OPEN_HOW_SIZE);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(how.flags), true);
  view.setBigUint64(8, BigInt(how.mode ?? 0), true);
  view.setBigUint64(16, BigInt(how.resolve), true);
  const mode = how.mode ? `, mode=${renderValue(how.mode, 'octal')}` : '';
  const describe = `{flags=${renderValue(how.flags, 'open-flags')}${mode}, resolve=${renderValue(how.resolve, 'resolve-flags')}}`;
  return b.step('openat2', [at(dir), path, b.bytes(bytes, describe), OPEN_HOW_SIZE], { label: `open ${path}`, result, ...options });
}

/**
 * open_tree(dir, path, flags): with OPEN_TREE_CLONE, a detached copy of the mount at
 * `path` (a bind source opened once; AT_RECURSIVE takes the mounts below it too),
 * attached later with move_mount. Without it, an fd of the mount itself.
 */
export function openTree(b: PlanBuilder, dir: ArgInput, path: string, flags: number, result: SlotRef, options: StepOptions = {}): number {
  return b.step('open_tree', [at(dir), path, imm(flags, 'open-tree-flags')], { label: `open_tree ${path}`, result, ...options });
}

/** move_mount(from, fromPath, to, toPath, flags): with both *_EMPTY_PATH flags, mounts the fd `from` on the fd `to`. */
export function moveMount(
  b: PlanBuilder,
  from: ArgInput,
  fromPath: string,
  to: ArgInput,
  toPath: string,
  flags: number,
  options: StepOptions = {},
): number {
  return b.step('move_mount', [at(from), fromPath, at(to), toPath, imm(flags, 'move-mount-flags')], { label: 'move_mount', ...options });
}

/** fsopen(fstype, flags): a filesystem context to configure with fsconfig. */
export function fsopen(b: PlanBuilder, fstype: string, flags: number, result: SlotRef, options: StepOptions = {}): number {
  return b.step('fsopen', [fstype, imm(flags, 'fsopen-flags')], { label: `fsopen ${fstype}`, result, ...options });
}

/** fsconfig(fd, command, key, value, aux): one option (SET_FLAG, SET_STRING) or CMD_CREATE. */
export function fsconfig(
  b: PlanBuilder,
  fd: ArgInput,
  command: number,
  key: string | null,
  value: string | null,
  options: StepOptions = {},
): number {
  return b.step('fsconfig', [fd, imm(command, 'fsconfig-command'), key, value, 0], { label: `fsconfig ${key ?? 'command'}`, ...options });
}

/** fsmount(fd, flags, attributes): the created filesystem as a detached mount with MOUNT_ATTR_* set. */
export function fsmount(b: PlanBuilder, fd: ArgInput, flags: number, attributes: number, result: SlotRef, options: StepOptions = {}): number {
  return b.step('fsmount', [fd, imm(flags, 'fsmount-flags'), imm(attributes, 'mount-attributes')], { label: 'fsmount', result, ...options });
}

/** struct mount_attr: attributes to set and clear, and a propagation type (MS_PRIVATE...). */
export interface MountAttributes {
  readonly set: number;
  readonly clear?: number;
  readonly propagation?: number;
}

/**
 * mount_setattr(dir, path, flags, attr, 32). Unlike a remount it sets only what it is
 * told: nosuid, nodev, noexec stay as they are (in a user namespace they are locked,
 * and a remount that forgot them failed with EPERM). AT_RECURSIVE: every mount below.
 */
export function mountSetattr(
  b: PlanBuilder,
  dir: ArgInput,
  path: string,
  flags: number,
  attributes: MountAttributes,
  options: StepOptions = {},
): number {
  const bytes = new Uint8Array(MOUNT_ATTR_SIZE);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(attributes.set), true);
  view.setBigUint64(8, BigInt(attributes.clear ?? 0), true);
  view.setBigUint64(16, BigInt(attributes.propagation ?? 0), true);
  const shown = [
    attributes.set ? `attr_set=${renderValue(attributes.set, 'mount-attributes')}` : '',
    attributes.clear ? `attr_clr=${renderValue(attributes.clear, 'mount-attributes')}` : '',
    attributes.propagation ? `propagation=${renderValue(attributes.propagation, 'propagation')}` : '',
  ].filter((part) => part !== '');
  return b.step('mount_setattr', [at(dir), path, imm(flags, 'at-flags'), b.bytes(bytes, `{${shown.join(', ')}}`), MOUNT_ATTR_SIZE], {
    label: 'mount_setattr',
    ...options,
  });
}
