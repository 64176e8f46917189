// What lc trusts in a container directory — container.json and its records — is never
// inside the container, and a record is checked before lc acts on it (issue #10: a
// container that was its own directory rewrote its config and its records; a planted
// `network` record made a start delete a host interface, a `pid` record made
// `nsinit delete --force` kill a host process).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deleteContainer, processStartTime, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import { isAlive, readConfig, updateConfig, withContainerDirs } from '../harness.js';

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`);
}
const linkExists = (name: string) => existsSync(`/sys/class/net/${name}`);

describe.skipIf(!isRoot)(`lc's own files, out of the container's reach (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  async function refused(): Promise<string> {
    const before = readFileSync(join(dir, 'container.json'), 'utf8');
    const error = await startContainer({ dir, args: ['true'], stdio: 'ignore' as never }).then(
      () => new Error('started'),
      (caught: Error) => caught,
    );
    expect(error.message).not.toContain('\n');
    expect(readFileSync(join(dir, 'container.json'), 'utf8')).toBe(before);
    return error.message;
  }

  it('refuses a rootfs that is the container directory (the 2014 default) or holds it', async () => {
    await updateConfig(dir, { rootfs: '.' });
    expect(await refused()).toMatch(/^rootfs: .* holds the container directory .*: the container could rewrite container.json and lc's records/);
    await updateConfig(dir, { rootfs: dirname(dir) });
    expect(await refused()).toMatch(/^rootfs: .* holds the container directory/);
  });

  it('refuses a bind mount that puts the container directory inside the container', async () => {
    const mounts = (await readConfig(dir)).mounts as object[];
    for (const source of [dir, dirname(dir), join(dir, 'rootfs', '..'), join(dir, 'container.json')]) {
      await updateConfig(dir, { mounts: [...mounts, { type: 'bind', source, destination: '/mnt' }] });
      expect(await refused()).toMatch(/^mounts: a bind of .* onto \/mnt puts the container directory .* inside the container$/);
    }
  });

  it('never removes a link a network record names unless it is a veth of the config', async () => {
    ip('link', 'add', 'lctplant0', 'type', 'bridge');
    try {
      writeFileSync(join(dir, 'network'), JSON.stringify(['lctplant0']));
      expect(await refused()).toBe(`${join(dir, 'network')}: names "lctplant0", not a veth this container's config makes: left as it is`);
      expect(linkExists('lctplant0')).toBe(true);
    } finally {
      ip('link', 'del', 'lctplant0');
    }
    // Named as the config's veth network would name it, but not a veth.
    await updateConfig(dir, { networks: [{ type: 'loopback' }, { type: 'veth', context: { prefix: 'lcp', bridge: 'nobridge' }, address: '10.9.9.2/24' }] });
    ip('link', 'add', 'lcp0badc0de', 'type', 'bridge');
    try {
      writeFileSync(join(dir, 'network'), JSON.stringify(['lcp0badc0de']));
      expect(await refused()).toBe(`${join(dir, 'network')}: names lcp0badc0de, a bridge link, not a veth: left as it is`);
      expect(linkExists('lcp0badc0de')).toBe(true);
    } finally {
      ip('link', 'del', 'lcp0badc0de');
    }
    writeFileSync(join(dir, 'network'), '');
    expect(await refused()).toBe(`${join(dir, 'network')}: not JSON: left as it is`);
  });

  it('never removes a directory a cgroups record names unless it is where the config puts the container', async () => {
    const other = '/sys/fs/cgroup/pids/lc-test-not-the-container';
    mkdirSync(other, { recursive: true });
    try {
      writeFileSync(join(dir, 'cgroups'), JSON.stringify({ paths: { pids: other }, created: [] }));
      expect(await refused()).toBe(`${join(dir, 'cgroups')}: names ${other}, not where the config puts this container's cgroup: left as it is`);
      expect(existsSync(other)).toBe(true);
      writeFileSync(join(dir, 'cgroups'), JSON.stringify({ paths: { pids: '/etc' }, created: [] }));
      expect(await refused()).toBe(`${join(dir, 'cgroups')}: names "/etc", not a cgroup: left as it is`);
    } finally {
      rmdirSync(other);
    }
  });

  it('never writes or reads a record through a symlink', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'root only\n', { mode: 0o600 });
    symlinkSync(victim, join(dir, 'cgroups'));
    expect(await refused()).toBe(`${join(dir, 'cgroups')}: a symlink: left as it is`);
    expect(readFileSync(victim, 'utf8')).toBe('root only\n');
    spawnSync('rm', [join(dir, 'cgroups'), victim]);
  });

  it('nsinit delete --force kills only a process that is the container, whatever the pid record says', async () => {
    const bystander = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      const pid = bystander.pid!;
      writeFileSync(join(dir, 'pid'), String(pid));
      writeFileSync(join(dir, 'start'), processStartTime(pid)!);
      await expect(deleteContainer(dir, { force: true })).rejects.toThrow(`${join(dir, 'pid')}: names process ${pid}, which is not in this container's root: left as it is`);
      expect(isAlive(pid)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
      await new Promise((resolve) => bystander.once('exit', resolve));
    }
    spawnSync('rm', ['-f', join(dir, 'pid'), join(dir, 'start')]);
  });
});
