// Read-only and masked paths (the 2014 "restrictions", runc's readonlyPaths and
// maskedPaths). These steps run after pivot_root, so every path is a container path,
// and /proc and /sys are the container's own mounts. Each path is opened when its step
// runs, with openat2(RESOLVE_IN_ROOT) from the rootfs fd, and mounted on through that
// fd: a path that something renamed since the plan was built (a directory in a volume
// another container writes to) can only name something else inside the container.
import type { ContainerModel } from '@lc/config-types';
import {
  AT_EMPTY_PATH,
  AT_RECURSIVE,
  type FileType,
  MOUNT_ATTR,
  mountSteps,
  type PlanBuilder,
  resolveInRoot,
  type SlotRef,
  SysError,
  type System,
  steps,
} from '@lc/system';

/**
 * The steps for `model.readonlyPaths` and `model.maskedPaths`, through `root`: the
 * plan's slot holding an fd of the container's root.
 *
 * Which paths exist, and whether a masked one is a directory (an empty read-only tmpfs
 * over it) or not (/dev/null bound over it), is decided as the plan is built: /proc and
 * /sys are not mounted then, and a plan can branch on a failure but not on a success.
 * Their paths are looked up in the host's /proc and /sys — the same kernel shows the
 * same entries — and the others in the rootfs, below a config mount or not. A path
 * missing there is left out. A guess that is wrong when the steps run (a path gone, or
 * of another kind) fails the start with the path in the error; it never goes unmasked.
 */
export function pathSteps(b: PlanBuilder, model: ContainerModel, sys: System, root: SlotRef): void {
  for (const path of model.readonlyPaths.map(normalize)) {
    if (lookUp(sys, model, path) !== undefined) readonlyPath(b, root, path);
  }
  const masked = model.maskedPaths.map(normalize).flatMap((path) => {
    const type = lookUp(sys, model, path);
    return type === undefined ? [] : [{ path, directory: type === 'directory' }];
  });
  // Files are hidden behind binds of the container's own /dev/null, opened once.
  const devNull = masked.some((mask) => !mask.directory)
    ? mountSteps.openInRoot(b, root, '/dev/null', 'any', 'mask_paths: open /dev/null', 'null')
    : undefined;
  for (const { path, directory } of masked) {
    const label = `mask_paths ${path}`;
    if (!directory && devNull !== undefined) {
      const bind = mountSteps.cloneMount(b, devNull, '', false, `${label}: open_tree /dev/null`);
      mountSteps.attachInRoot(b, bind, root, path, 'any', label);
      continue;
    }
    const tmpfs = mountSteps.newMount(
      b,
      {
        fstype: 'tmpfs',
        source: 'tmpfs',
        options: model.labels.mountLabel ? [{ key: 'context', value: model.labels.mountLabel }] : [],
        attributes: MOUNT_ATTR.RDONLY,
      },
      `${label}: a read-only tmpfs`,
    );
    mountSteps.attachInRoot(b, tmpfs, root, path, 'directory', label);
  }
  if (devNull !== undefined) mountSteps.closeTemporary(b, devNull, 'mask_paths: close /dev/null');
}

/**
 * A bind of the path onto itself, read-only all the way down: open_tree clones the
 * mount below the path (recursively), mount_setattr makes the clone read-only before it
 * is attached — adding MOUNT_ATTR_RDONLY and nothing else, so the nosuid, nodev, noexec
 * a user namespace locks stay — and move_mount puts it back on the same fd.
 */
function readonlyPath(b: PlanBuilder, root: SlotRef, path: string): void {
  const label = `readonly_paths ${path}`;
  const target = mountSteps.openInRoot(b, root, path, 'any', `${label}: open ${path}`);
  const clone = mountSteps.cloneMount(b, target, '', true, `${label}: open_tree`);
  steps.mountSetattr(b, clone, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR.RDONLY }, { label: `${label}: make it read-only` });
  mountSteps.attachMount(b, clone, target, `${label}: attach`);
  mountSteps.closeTemporary(b, clone, `${label}: close the mount`);
  mountSteps.closeTemporary(b, target, `${label}: close ${path}`);
}

/** What `path` is as the plan is built, or undefined when it does not exist. */
function lookUp(sys: System, model: ContainerModel, path: string): FileType | undefined {
  const pseudo = PSEUDO_FILESYSTEMS.find((fs) => isUnder(path, fs.root));
  if (pseudo === undefined) {
    const resolved = resolveInRoot(sys, model.rootfs, path);
    return resolved.missing.length > 0 ? undefined : (resolved.type ?? 'directory');
  }
  try {
    return sys.lstat(path).type;
  } catch (error) {
    if (!SysError.isInstance(error) || error.code !== 'ENOENT') throw error;
    // A host without this filesystem mounted tells nothing: keep the path (a directory,
    // as every /sys path runtimes mask is) and let the run decide.
    return shows(sys, pseudo.probe) ? undefined : 'directory';
  }
}

/** /proc and /sys, each with a path that is there whenever it is mounted. */
const PSEUDO_FILESYSTEMS = [
  { root: '/proc', probe: '/proc/self' },
  { root: '/sys', probe: '/sys/kernel' },
] as const;

function shows(sys: System, path: string): boolean {
  try {
    sys.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function normalize(path: string): string {
  return `/${path.split('/').filter((part) => part !== '' && part !== '.').join('/')}`;
}
