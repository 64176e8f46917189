// Resolves the process's user spec ("", "name", "uid", "name:group", "uid:gid") against
// the container's own /etc/passwd and /etc/group, as 2014 libcontainer and runc do.
import { resolveInRoot, SysError, type System } from '@lc/system';
import { type GroupEntry, type PasswdEntry, parseGroup, parseId, parsePasswd } from './passwd.js';
import { SecurityError } from './security-error.js';

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups for setgroups(2), without the primary gid. */
  readonly additionalGids: number[];
  /** From passwd; "/" when the user has no entry or an empty home. */
  readonly home: string;
  /** The passwd name, when the user has an entry. */
  readonly name?: string;
}

/**
 * `additionalGroups` (container.json `additional_groups`: names or gids) join the
 * supplementary groups whatever the spec says, as runc's do.
 */
export function resolveUser(sys: System, rootfs: string, spec: string, additionalGroups: readonly string[] = []): ResolvedUser {
  const user = resolveSpec(sys, rootfs, spec);
  if (additionalGroups.length === 0) return user;
  const root = rootfs.replace(/\/+$/, '');
  let groups: GroupEntry[] | undefined;
  const additionalGids = [...user.additionalGids];
  additionalGroups.forEach((name, index) => {
    const field = `additional_groups[${index}]`;
    let gid = numeric(name, field, 'gid');
    if (gid === undefined) {
      groups ??= parseGroup(readEtcFile(sys, root, '/etc/group', field) ?? '');
      gid = groups.find((group) => group.name === name)?.gid;
      if (gid === undefined) throw new SecurityError(`${field}: no such group "${name}" in ${root}/etc/group`);
    }
    if (!additionalGids.includes(gid)) additionalGids.push(gid);
  });
  return { ...user, additionalGids };
}

function resolveSpec(sys: System, rootfs: string, spec: string): ResolvedUser {
  const parts = spec.split(':');
  if (parts.length > 2) throw new SecurityError(`user "${spec}": expected name, uid, name:group or uid:gid`);
  // "" is root, as is ":group" (the user half empty).
  const userArg = parts[0] || '0';
  const groupArg = parts[1] ?? '';
  const root = rootfs.replace(/\/+$/, '');

  const uidArg = numeric(userArg, 'user', 'uid');
  const passwd = readEtcFile(sys, root, '/etc/passwd', `user "${userArg}"`);
  const users: PasswdEntry[] = passwd === undefined ? [] : parsePasswd(passwd);
  const entry =
    uidArg === undefined ? users.find((user) => user.name === userArg) : users.find((user) => user.uid === uidArg);
  if (!entry && uidArg === undefined) {
    const why = passwd === undefined ? `${root}/etc/passwd does not exist` : `no such user in ${root}/etc/passwd`;
    throw new SecurityError(`user "${userArg}": ${why}`);
  }
  // A numeric uid without an entry is legitimate (runc: gid 0, home "/").
  const uid = entry?.uid ?? uidArg ?? 0;
  let gid = entry?.gid ?? 0;
  const home = entry?.home || '/';
  const named = entry ? { name: entry.name } : {};

  if (groupArg !== '') {
    // An explicit group replaces the group set: like runc, no supplementary groups then.
    const gidArg = numeric(groupArg, 'group', 'gid');
    const group = readEtcFile(sys, root, '/etc/group', `group "${groupArg}"`);
    const groups: GroupEntry[] = group === undefined ? [] : parseGroup(group);
    const match =
      gidArg === undefined ? groups.find((g) => g.name === groupArg) : groups.find((g) => g.gid === gidArg);
    if (!match && gidArg === undefined) {
      const why = group === undefined ? `${root}/etc/group does not exist` : `no such group in ${root}/etc/group`;
      throw new SecurityError(`group "${groupArg}": ${why}`);
    }
    gid = match?.gid ?? gidArg ?? 0;
    return { uid, gid, additionalGids: [], home, ...named };
  }

  if (!entry) return { uid, gid, additionalGids: [], home };
  // initgroups(3): every group that lists the user by name, primary gid not repeated.
  const group = readEtcFile(sys, root, '/etc/group', `user "${userArg}"`);
  const additionalGids: number[] = [];
  for (const g of group === undefined ? [] : parseGroup(group)) {
    if (g.members.includes(entry.name) && g.gid !== gid && !additionalGids.includes(g.gid)) additionalGids.push(g.gid);
  }
  return { uid, gid, additionalGids, home, ...named };
}

/** The id a numeric spec names, undefined for a name; an id the kernel cannot take is an error. */
function numeric(arg: string, what: string, id: string): number | undefined {
  if (!/^\d+$/.test(arg)) return undefined;
  const value = parseId(arg);
  if (value === undefined) throw new SecurityError(`${what} "${arg}": ${id} out of range`);
  return value;
}

/**
 * Reads a file of the container's /etc. The path is resolved inside the rootfs, so an
 * image whose /etc/passwd is a symlink (absolute or relative) is read from the image,
 * never from the host. A missing file is `undefined`; any other failure is an error.
 */
function readEtcFile(sys: System, root: string, path: string, subject: string): string | undefined {
  try {
    const resolved = resolveInRoot(sys, root, path);
    if (resolved.missing.length > 0) return undefined;
    return sys.readFile(resolved.hostPath);
  } catch (error) {
    if (SysError.isInstance(error) && error.code === 'ENOENT') return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SecurityError(`${subject}: ${reason}`, { cause: error });
  }
}
