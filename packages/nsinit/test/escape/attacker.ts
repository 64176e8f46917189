// Programs the escape tests run inside containers, as a root process of the container
// would attack: python3 from the host's /usr (the test rootfs binds it read-only).

/**
 * Spins on the pid the container's pid namespace hands out next and, the moment that
 * process exists, opens everything /proc offers of it — mem for writing, exe, cwd,
 * root, every fd — then judges what it got: the memory of an image that is not the
 * joined program's, a binary other than the joined program, a directory other than
 * the container's root, an fd above 2 (0-2 are what its caller gave it) that is not
 * a file of the container (a host directory, the runtime's pipes, a namespace): each
 * is a way out. Prints one
 * JSON line at the end: {"seen": pids examined, "opened": successful opens,
 * "escapes": [what got out]}, once its stdin ends.
 */
export function procRaceAttacker(program: string): string {
  return `
import json, os, select, sys
PROGRAM = ${JSON.stringify(program)}
root = os.stat('/')
final = os.stat(PROGRAM)
same = lambda st, ref: (st.st_dev, st.st_ino) == (ref.st_dev, ref.st_ino)
seen, opened, escapes = 0, 0, []
def attempt(pid):
    global opened
    base = '/proc/%d/' % pid
    try:
        fd = os.open(base + 'mem', os.O_RDWR)
        opened += 1
        try:
            # A non-PIE image at 0x400000: the node binary, or lc's own executor.
            if os.pread(fd, 4, 0x400000) == b'\\x7fELF':
                escapes.append('mem of a runtime image: ' + os.readlink(base + 'exe'))
        except OSError:
            pass
        os.close(fd)
    except OSError:
        pass
    for name, check, what in (('exe', final, 'a binary other than ' + PROGRAM), ('cwd', root, 'a directory other than /'), ('root', root, 'a root other than /')):
        try:
            fd = os.open(base + name, os.O_PATH)
        except OSError:
            continue
        opened += 1
        if not same(os.fstat(fd), check):
            escapes.append('%s of %d is %s (%s)' % (name, pid, what, os.readlink('/proc/self/fd/%d' % fd)))
        os.close(fd)
    try:
        fds = os.listdir(base + 'fd')
    except OSError:
        return
    opened += 1
    for entry in fds:
        if int(entry) <= 2:
            continue  # the stdio its caller gave it
        try:
            target = os.readlink(base + 'fd/' + entry)
            fd = os.open(base + 'fd/' + entry, os.O_PATH)
        except OSError:
            continue
        try:
            inside = target.startswith('/') and same(os.fstat(fd), os.stat(target))
        except OSError:
            inside = False
        if not inside:
            escapes.append('fd %s of %d: %s' % (entry, pid, target))
        os.close(fd)
def stdin_closed():
    return bool(select.select([0], [], [], 0)[0]) and not os.read(0, 1)
last = lambda: int(open('/proc/sys/kernel/ns_last_pid').read())
print('ready', flush=True)
spins, done = 0, False
while not done:
    nxt = last() + 1
    while not os.path.exists('/proc/%d' % nxt) and last() < nxt:
        spins += 1
        if spins % 4096 == 0 and stdin_closed():
            done = True
            break
    if not done:
        attempt(nxt)
        seen += 1
print(json.dumps({'seen': seen, 'opened': opened, 'escapes': escapes}), flush=True)
`;
}
