// veth networks on the real kernel, on a bridge the test makes and removes: a
// container gets eth0 with the configured address, MTU, MAC and default route, two
// containers reach each other, a container reaches a listener on the bridge's
// address, and nothing is left (the host ends go with the containers).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { containerNetworkStats, type RunningContainer, startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  type HostSnapshot,
  hostSnapshot,
  makeContainerDir,
  readAll,
  removeAllContainerDirs,
  removeContainerDir,
  runScript,
  updateConfig,
  waitForOutput,
} from './harness.js';

const BRIDGE = `lctb${process.pid % 100000}`;
const SUBNET = '10.213.0';

function run(command: string, ...args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.trim()}`);
}

const ip = (...args: string[]) => run('ip', ...args);

const veth = (host: number, more: Record<string, unknown> = {}) => ({
  type: 'veth',
  context: { prefix: 'lct', bridge: BRIDGE },
  address: `${SUBNET}.${host}/24`,
  gateway: `${SUBNET}.1`,
  ...more,
});

describe.skipIf(!isRoot)(`veth networks (${needsRoot})`, () => {
  let before: HostSnapshot;
  const dirs: string[] = [];

  beforeAll(() => {
    ip('link', 'add', BRIDGE, 'type', 'bridge');
    ip('addr', 'add', `${SUBNET}.1/24`, 'dev', BRIDGE);
    ip('link', 'set', BRIDGE, 'up');
  });
  afterAll(async () => {
    ip('link', 'del', BRIDGE);
    await removeAllContainerDirs();
  });
  beforeEach(() => {
    before = hostSnapshot();
  });
  afterEach(async () => {
    for (const dir of dirs.splice(0)) {
      expectNoLeaks(before, dir);
      expect(readdirSync(dir).sort()).toEqual(['container.json', 'rootfs']);
      await removeContainerDir(dir);
    }
  });

  async function containerDir(network: object): Promise<string> {
    const dir = await makeContainerDir({ networks: [{ type: 'loopback' }, network] });
    dirs.push(dir);
    return dir;
  }

  it('gives the container eth0 with the configured address, MTU, MAC and default route', async () => {
    const dir = await containerDir(veth(11, { mtu: 1400, mac_address: '02:42:ac:11:00:0b' }));
    const result = await runScript(
      dir,
      'cat /sys/class/net/eth0/mtu /sys/class/net/eth0/address; ip -4 -o addr show dev eth0 | tr -s " " | cut -d" " -f4; ip route show default',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n').map((line) => line.trim())).toEqual([
      '1400',
      '02:42:ac:11:00:0b',
      `${SUBNET}.11/24`,
      `default via ${SUBNET}.1 dev eth0`,
    ]);
  });

  it('puts the host end of the veth in hairpin mode when asked', async () => {
    const dir = await containerDir(veth(12, { hairpin_mode: true }));
    const container = await startContainer({ dir, args: ['sh', '-c', 'echo ready; read line'], stdio: ['pipe', 'pipe', 'ignore'] });
    await waitForOutput(container.stdout!, 'ready');
    const [host] = JSON.parse(readFileSync(join(dir, 'network'), 'utf8')) as string[];
    expect(readFileSync(`/sys/class/net/${host}/brport/hairpin_mode`, 'utf8').trim()).toBe('1');
    container.stdin!.end('\n');
    expect((await container.exited).exitCode).toBe(0);
  });

  it('lets two containers on one bridge reach each other, and a listener on the bridge address', async () => {
    const server = await containerDir(veth(21));
    const client = await containerDir(veth(22));
    const listening: RunningContainer = await startContainer({
      dir: server,
      args: [
        'python3',
        '-c',
        `import socket, sys; s = socket.create_server(("${SUBNET}.21", 8021)); print("listening", flush=True); c, _ = s.accept(); c.sendall(b"pong from 21"); c.close(); print("sent", flush=True); sys.stdin.readline()`,
      ],
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await waitForOutput(listening.stdout!, 'listening');
    const sentBefore = containerNetworkStats(server).eth0!.txBytes;
    const reached = await runScript(
      client,
      `python3 -c 'import socket; print(socket.create_connection(("${SUBNET}.21", 8021), timeout=5).recv(64).decode())'`,
    );
    expect(reached.stdout.trim(), reached.stderr).toBe('pong from 21');
    await waitForOutput(listening.stdout!, 'sent');
    // The counters of the container's eth0 moved with the exchange.
    expect(containerNetworkStats(server).eth0!.txBytes).toBeGreaterThan(sentBefore);
    listening.stdin!.end('\n');
    expect((await listening.exited).exitCode).toBe(0);
    await readAll(listening.stderr);

    // The host side: a listener on the bridge's address.
    const host = createServer((socket) => socket.end('pong from the host'));
    await new Promise<void>((resolve) => host.listen(8031, `${SUBNET}.1`, resolve));
    try {
      const fromHost = await runScript(
        client,
        `python3 -c 'import socket; print(socket.create_connection(("${SUBNET}.1", 8031), timeout=5).recv(64).decode())'`,
      );
      expect(fromHost.stdout.trim(), fromHost.stderr).toBe('pong from the host');
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });

  it('gives eth0 an IPv6 address and adds the routes of the config', async () => {
    const dir = await containerDir(veth(41, { address: 'fd00:213::41/64', gateway: undefined }));
    const file = join(dir, 'container.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    config.routes = [{ destination: 'fd00:214::/64', gateway: 'fd00:213::1', interface_name: 'eth0' }];
    writeFileSync(file, JSON.stringify(config));
    const result = await runScript(dir, 'ip -6 -o addr show dev eth0 scope global | tr -s " " | cut -d" " -f4; ip -6 route show fd00:214::/64');
    expect(result.stderr).toBe('');
    const [address, route] = result.stdout.trim().split('\n').map((line) => line.trim());
    expect(address).toBe('fd00:213::41/64');
    expect(route).toMatch(/^fd00:214::\/64 via fd00:213::1 dev eth0/);
  });

  it('joins the network namespace at context.nspath (netns strategy) and sees exactly its interfaces', async () => {
    // A namespace bound on a file of the test's own (`ip netns add` would leave
    // /run/netns mounted on the host the first time it runs).
    const dir = await makeContainerDir();
    dirs.push(dir);
    const nspath = join(dir, 'netns');
    writeFileSync(nspath, '');
    run('unshare', `--net=${nspath}`, 'true');
    try {
      run('nsenter', `--net=${nspath}`, 'ip', 'link', 'add', 'lcta', 'type', 'veth', 'peer', 'name', 'lctb');
      await updateConfig(dir, { networks: [{ type: 'netns', context: { nspath } }] });
      const result = await runScript(dir, 'ls /sys/class/net; stat -L -c %i /proc/self/ns/net');
      const words = result.stdout.trim().split(/\s+/);
      expect(words.slice(0, -1)).toEqual(['lcta', 'lctb', 'lo']);
      expect(Number(words.at(-1))).toBe(statSync(nspath).ino);
    } finally {
      run('umount', nspath);
      rmSync(nspath);
    }
  });

  it('removes the veth an interrupted nsinit left, as recorded in the directory', async () => {
    const dir = await containerDir(veth(51));
    // An nsinit that died after making its pair: its record names the host end, its pid is gone.
    ip('link', 'add', 'lctdeadbeef', 'type', 'veth', 'peer', 'name', 'lctdeadbeefp');
    writeFileSync(join(dir, 'network'), JSON.stringify(['lctdeadbeef']));
    writeFileSync(join(dir, 'pid'), '999999999');
    writeFileSync(join(dir, 'start'), '1');
    const result = await runScript(dir, 'true');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync('/sys/class/net').filter((name) => name.startsWith('lctdeadbeef'))).toEqual([]);
  });

  it('refuses a missing bridge or a bad address in one line naming the field, leaving nothing', async () => {
    const noBridge = await containerDir(veth(31, { context: { prefix: 'lct', bridge: 'lc-nope-br' } }));
    await expect(startContainer({ dir: noBridge, args: ['true'] })).rejects.toThrow(
      'networks[1].context.bridge: no such bridge "lc-nope-br"',
    );
    const badAddress = await containerDir(veth(32, { address: '10.213.0.999/24' }));
    await expect(startContainer({ dir: badAddress, args: ['true'] })).rejects.toThrow(/: networks\[1\]\.address: expected an address/);
  });
});
