// Capabilities passed across exec (the CVE-2022-29162 class): a program whose file
// says `cap_dac_override+ei` gets, when an unprivileged user runs it, whatever of that
// the process holds in its inheritable set. With the kept list inheritable, user 1000
// in a default container read a root-only file. Inheritable and ambient stay empty.
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { withContainerDirs } from '../harness.js';
import { nativeExecutor, runAsUser, useRootlessContainers } from '../rootless-user.js';
import { asFirstProcess, PROCESSES, python, reported } from './attack.js';

/**
 * As container root: a root-only file, and a copy of cat marked `cap_dac_override+ei`
 * (security.capability written directly: VFS_CAP_REVISION_2 with the effective flag,
 * inheritable bit 1). Then user 1000 runs it on the file, given `inheritable` by setpriv
 * (or nothing), and the process's own sets are reported.
 */
const READ_AS_USER = (inheritable: string) => `
import subprocess
with open('/tmp/secret', 'w') as f:
    f.write('root only')
os.chmod('/tmp/secret', 0o600)
subprocess.run(['cp', '/usr/bin/cat', '/tmp/cat'], check=True)
os.setxattr('/tmp/cat', 'security.capability', struct.pack('<5I', 0x02000001, 0, 1 << 1, 0, 0))
inheritable = ${JSON.stringify(inheritable)}
command = ['setpriv'] + (['--inh-caps', inheritable] if inheritable else []) + ['--reuid', '1000', '--regid', '1000', '--clear-groups', '/tmp/cat', '/tmp/secret']
read = subprocess.run(command, capture_output=True, text=True)
sets = {line.split(':')[0]: line.split()[1] for line in open('/proc/self/status') if line.startswith('Cap')}
report({'read': read.stdout or read.stderr.strip().split(': ')[-1], 'sets': sets})
`;

interface Read {
  readonly read: string;
  readonly sets: Record<string, string>;
}

const NONE = '0000000000000000';

describe.skipIf(!isRoot)(`inheritable capabilities from inside (${needsRoot})`, () => {
  let dir = '';
  withContainerDirs((made) => {
    dir = made;
  });

  it.each(PROCESSES)('keeps a +ei file run by user 1000 from reading a root-only file; no inheritable or ambient set (%s)', async (_, run) => {
    const { read, sets } = reported<Read>(await run(dir, python(READ_AS_USER(''))));
    expect(read).toBe('Permission denied');
    expect([sets.CapInh, sets.CapAmb]).toEqual([NONE, NONE]);
    expect(sets.CapBnd).not.toBe(NONE); // the kept list bounds what a root program gets
  });

  it('is what stops it: the same file reads the secret once the process itself makes the capability inheritable', async () => {
    // Container root may choose this for its own children; lc never chooses it for them.
    const { read } = reported<Read>(await asFirstProcess(dir, python(READ_AS_USER('+dac_override'))));
    expect(read).toBe('root only');
  });
});

describe.skipIf(!isRoot || !nativeExecutor)(`inheritable capabilities in a rootless container (${needsRoot} to create its user; native executor)`, () => {
  const rootless = useRootlessContainers();

  it('has no inheritable or ambient set either', () => {
    // Only root is mapped there: no user 1000 to run the +ei file as.
    const sets = reported<Record<string, string>>(
      runAsUser(rootless.dir(), python("report({line.split(':')[0]: line.split()[1] for line in open('/proc/self/status') if line.startswith('Cap')})")),
    );
    expect([sets.CapInh, sets.CapAmb]).toEqual([NONE, NONE]);
    expect(sets.CapBnd).not.toBe(NONE);
  });
});
