// rtnetlink on the real kernel. Everything happens in network namespaces the tests make
// (`unshare --net sleep`) and on veths they create with names of their own; the host's
// interfaces, addresses and routes are never touched. iproute2 (through nsenter) is the
// independent witness of what our requests did.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { linuxSystem, SysError, type System } from '@lc/system';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { afterEach, describe, expect, it } from 'vitest';
import { openRtnetlink, type Rtnetlink } from '../src/index.js';

const sys: System = linuxSystem();
const tag = `lct${process.pid % 100000}`;
const hostLinks = (): string[] => readdirSync('/sys/class/net');
const ownNetns = readlinkSync('/proc/self/ns/net');

interface Netns {
  readonly pid: number;
  readonly fd: number;
  readonly child: ChildProcess;
}

const namespaces: Netns[] = [];
const sockets: Rtnetlink[] = [];
/** Other processes a test started (servers): killed after it if still running. */
const others: ChildProcess[] = [];

async function newNetns(): Promise<Netns> {
  const child = spawn('unshare', ['--net', 'sleep', '1000'], { stdio: 'ignore' });
  const pid = child.pid!;
  // unshare(2) then exec: wait until the process is in its own namespace.
  for (let i = 0; readlinkSync(`/proc/${pid}/ns/net`) === ownNetns; i++) {
    if (i > 200) throw new Error('unshare --net did not start');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ns = { pid, fd: sys.openNamespace(pid, 'net'), child };
  namespaces.push(ns);
  return ns;
}

function open(ns?: Netns): Rtnetlink {
  const nl = ns === undefined ? openRtnetlink(sys) : openRtnetlink(sys, { netns: ns.fd });
  sockets.push(nl);
  return nl;
}

/** iproute2 inside a namespace, as JSON. */
function ipIn<T>(ns: Netns, ...args: string[]): T {
  return JSON.parse(execFileSync('nsenter', [`--net=/proc/${ns.pid}/ns/net`, 'ip', '-j', ...args], { encoding: 'utf8' }) || '[]') as T;
}

function errorOf(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

afterEach(async () => {
  for (const nl of sockets.splice(0)) nl.close();
  // Remove anything a failed test left on the host side, then the namespaces (their
  // veths go with them).
  for (const name of hostLinks().filter((n) => n.startsWith(tag))) execFileSync('ip', ['link', 'del', name]);
  for (const ns of namespaces.splice(0)) {
    sys.close(ns.fd);
    const exited = new Promise((resolve) => ns.child.once('exit', resolve));
    ns.child.kill('SIGKILL');
    await exited;
  }
  for (const child of others.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  expect(hostLinks().filter((n) => n.startsWith(tag))).toEqual([]);
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(tag);
  expect(readlinkSync('/proc/self/ns/net')).toBe(ownNetns);
});

describe.skipIf(!isRoot)(`rtnetlink on the kernel (${needsRoot})`, () => {
  it('creates a veth with its peer directly in another namespace; link del removes both ends', async () => {
    const ns = await newNetns();
    const nl = open();
    nl.addVeth({ name: `${tag}h`, peer: { name: `${tag}p`, netns: { fd: ns.fd } } });
    expect(hostLinks()).toContain(`${tag}h`);
    expect(hostLinks()).not.toContain(`${tag}p`);
    expect(ipIn<{ ifname: string }[]>(ns, 'link', 'show').map((l) => l.ifname)).toEqual(['lo', `${tag}p`]);
    expect(nl.link(`${tag}h`)).toMatchObject({ name: `${tag}h`, kind: 'veth', up: false });

    nl.deleteLink(`${tag}h`);
    expect(hostLinks()).not.toContain(`${tag}h`);
    expect(ipIn<{ ifname: string }[]>(ns, 'link', 'show').map((l) => l.ifname)).toEqual(['lo']);
  });

  it('configures the peer from a socket opened in its namespace: name, mtu, MAC, up, addresses, routes', async () => {
    const host = await newNetns();
    const container = await newNetns();
    const outside = open(host);
    expect(readlinkSync('/proc/self/ns/net')).toBe(ownNetns); // the main thread came back
    outside.addVeth({ name: 'veth0', mtu: 1400, peer: { name: 'vethc', netns: { fd: container.fd } } });
    outside.setUp('veth0');
    outside.addAddress('veth0', '10.200.0.1/24');

    const inside = open(container);
    inside.setUp('lo');
    inside.rename('vethc', 'eth0');
    inside.setMtu('eth0', 1400);
    inside.setAddress('eth0', '02:42:0a:c8:00:02');
    inside.setUp('eth0');
    inside.addAddress('eth0', '10.200.0.2/24');
    inside.addAddress('eth0', 'fd00:200::2/64');
    inside.addRoute({ gateway: '10.200.0.1' });
    inside.addRoute({ destination: '10.201.0.0/16', device: 'eth0' });
    inside.addRoute({ destination: 'fd00:201::/64', gateway: 'fd00:200::1' });

    const eth0 = inside.link('eth0');
    expect(eth0).toMatchObject({ name: 'eth0', mtu: 1400, address: '02:42:0a:c8:00:02', up: true, kind: 'veth' });
    expect(inside.links().map((l) => l.name)).toEqual(['lo', 'eth0']);
    const addresses = inside.addresses().filter((a) => a.index === eth0.index && a.scope === 0);
    expect(addresses.map((a) => `${a.address}/${a.prefixlen}`).sort()).toEqual(['10.200.0.2/24', 'fd00:200::2/64']);
    const routes = inside.routes().filter((r) => r.table === 254 && r.gateway !== undefined);
    expect(routes.map((r) => [r.destination, r.gateway, r.oif])).toEqual([
      ['default', '10.200.0.1', eth0.index],
      ['fd00:201::/64', 'fd00:200::1', eth0.index],
    ]);

    // iproute2 sees the same
    const [link] = ipIn<{ ifname: string; mtu: number; address: string; flags: string[] }[]>(container, 'link', 'show', 'eth0');
    expect(link).toMatchObject({ ifname: 'eth0', mtu: 1400, address: '02:42:0a:c8:00:02' });
    expect(link?.flags).toContain('UP');
    expect(ipIn<{ dst: string; gateway?: string; dev: string }[]>(container, 'route', 'show')).toEqual([
      expect.objectContaining({ dst: 'default', gateway: '10.200.0.1', dev: 'eth0' }),
      expect.objectContaining({ dst: '10.200.0.0/24', dev: 'eth0' }),
      expect.objectContaining({ dst: '10.201.0.0/16', dev: 'eth0', scope: 'link' }),
    ]);
    // and the kernel resolves the gateway through the new link
    expect(ipIn<{ dev: string; gateway: string }[]>(container, 'route', 'get', '192.0.2.1')).toEqual([expect.objectContaining({ dev: 'eth0', gateway: '10.200.0.1' })]);
    expect(ipIn<{ ifname: string }[]>(host, 'link', 'show').map((l) => l.ifname)).toEqual(['lo', 'veth0']);
  });

  it('carries traffic over the veth it configured (TCP on the test\'s own addresses)', async () => {
    const host = await newNetns();
    const container = await newNetns();
    const outside = open(host);
    outside.addVeth({ name: 'veth0', peer: { name: 'eth0', netns: { fd: container.fd } } });
    outside.addAddress('veth0', '10.200.0.1/24');
    outside.setUp('veth0');
    const inside = open(container);
    inside.addAddress('eth0', '10.200.0.2/24');
    inside.setUp('eth0');

    const server = spawn('nsenter', [`--net=/proc/${container.pid}/ns/net`, process.execPath, '-e',
      "require('net').createServer((c) => { c.end('pong'); process.exit(0); }).listen(7777, '10.200.0.2', () => console.log('ready'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    others.push(server);
    const served = new Promise((resolve) => server.once('exit', resolve));
    await new Promise((resolve) => server.stdout!.once('data', resolve));
    const reply = execFileSync('nsenter', [`--net=/proc/${host.pid}/ns/net`, process.execPath, '-e',
      "const c = require('net').connect(7777, '10.200.0.2'); c.on('data', (d) => process.stdout.write(d)); setTimeout(() => process.exit(2), 5000).unref()"], { encoding: 'utf8' });
    expect(reply).toBe('pong');
    expect(await served).toBe(0);
  });

  it('sets and clears a master, sets down, moves a link by netns pid and fd', async () => {
    const a = await newNetns();
    const b = await newNetns();
    execFileSync('nsenter', [`--net=/proc/${a.pid}/ns/net`, 'ip', 'link', 'add', 'br0', 'type', 'bridge']);
    const nl = open(a);
    nl.addVeth({ name: 'va', peer: { name: 'vb' } });
    nl.setMaster('va', 'br0');
    const br0 = nl.link('br0');
    expect(nl.link('va').master).toBe(br0.index);
    nl.setMaster('va', null);
    expect(nl.link('va').master).toBeUndefined();
    nl.setUp('va');
    nl.setDown('va');
    expect(nl.link('va').up).toBe(false);

    nl.setNetns('vb', { pid: b.pid });
    expect(ipIn<{ ifname: string }[]>(b, 'link', 'show').map((l) => l.ifname)).toEqual(['lo', 'vb']);
    nl.setNetns(nl.link('va').index, { fd: b.fd });
    expect(nl.links().map((l) => l.name)).toEqual(['lo', 'br0']);
    expect(ipIn<{ ifname: string }[]>(b, 'link', 'show').map((l) => l.ifname).sort()).toEqual(['lo', 'va', 'vb']);
  });

  it('reports kernel errors as one line naming the operation', async () => {
    const ns = await newNetns();
    const nl = open(ns);
    nl.addVeth({ name: 'lcab12', peer: { name: 'lcab12p' } });
    const exists = errorOf(() => nl.addVeth({ name: 'lcab12', peer: { name: 'other' } }));
    expect(SysError.isInstance(exists)).toBe(true);
    expect(exists).toMatchObject({ message: 'link add veth lcab12: EEXIST', code: 'EEXIST' });
    expect(errorOf(() => nl.setUp('nope0'))).toMatchObject({ message: 'link set nope0 up: ENODEV' });
    expect(errorOf(() => nl.deleteLink('nope0'))).toMatchObject({ message: 'link del nope0: ENODEV' });
    expect(errorOf(() => nl.addAddress('nope0', '10.0.0.2/24'))).toMatchObject({ message: 'addr add 10.0.0.2/24 dev nope0: ENODEV' });
    nl.addAddress('lcab12', '10.0.0.2/24');
    expect(errorOf(() => nl.addAddress('lcab12', '10.0.0.2/24'))).toMatchObject({ message: 'addr add 10.0.0.2/24 dev lcab12: EEXIST' });
    // a gateway that is not on any link of this namespace
    expect(errorOf(() => nl.addRoute({ gateway: '192.0.2.1' }))).toMatchObject({ message: 'route add default via 192.0.2.1: ENETUNREACH' });
    expect(String(errorOf(() => nl.rename('lcab12', 'x'.repeat(20))))).toMatch(/^SysError: link set lcab12 name x{20}: E[A-Z]+$/);
  });
});
