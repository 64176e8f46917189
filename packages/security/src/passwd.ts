// Parsers for the container's /etc/passwd and /etc/group. Like runc's user package
// they are lenient: comments, blank lines and lines that do not parse are skipped,
// so one bad line in an image never makes every user unresolvable.

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** The home directory; "" when the line has none. */
  readonly home: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  /** User names listed as members (the fourth field). */
  readonly members: readonly string[];
}

/** `name:password:uid:gid:gecos:home:shell`, one a line. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const fields of records(text)) {
    const [name, , uid, gid, , home] = fields;
    const uidNumber = parseId(uid);
    const gidNumber = parseId(gid);
    if (!name || uidNumber === undefined || gidNumber === undefined) continue;
    entries.push({ name, uid: uidNumber, gid: gidNumber, home: home ?? '' });
  }
  return entries;
}

/** `name:password:gid:member,member`, one a line. */
export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const fields of records(text)) {
    const [name, , gid, members] = fields;
    const gidNumber = parseId(gid);
    if (!name || gidNumber === undefined) continue;
    const list = (members ?? '')
      .split(',')
      .map((member) => member.trim())
      .filter((member) => member !== '');
    entries.push({ name, gid: gidNumber, members: list });
  }
  return entries;
}

/** A uid or gid: decimal digits only, and never (uid_t)-1, which the kernel reads as "unchanged". */
export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value < 0xffffffff ? value : undefined;
}

function* records(text: string): Generator<string[]> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    yield line.split(':');
  }
}
