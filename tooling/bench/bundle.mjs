// The one root filesystem all three runtimes start: a static busybox with the two
// applets the benchmark runs (true, sh), an OCI bundle around it for runc and crun,
// and container directories for nsinit whose container.json asks for the same
// namespaces, capabilities, hostname, read-only root and restricted /proc as the
// bundle's config.json (runc's own default spec).
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './errors.mjs';

const APPLETS = ['true', 'sh'];
const MOUNT_POINTS = ['proc', 'sys', 'dev', 'tmp', 'etc'];
const HOSTNAME = 'lc-bench';
// OCI namespace type -> container.json key; the set runc's default spec unshares.
const NAMESPACE_KEYS = { mount: 'NEWNS', uts: 'NEWUTS', ipc: 'NEWIPC', pid: 'NEWPID', network: 'NEWNET' };

/**
 * Builds `<dir>/bundle` (config.json + rootfs) and `<dir>/nsinit-<i>` for i < dirs.
 * Returns the paths.
 */
export function createBundle(dir, { busybox, runc, dirs }) {
  const bundle = join(dir, 'bundle');
  const rootfs = join(bundle, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', applet));
  // Mount points exist up front: runc and crun would make them, nsinit needs them.
  for (const name of MOUNT_POINTS) mkdirSync(join(rootfs, name), { recursive: true });

  const spec = runcSpec(runc, bundle);
  spec.process.args = ['/bin/true'];
  spec.process.terminal = false;
  spec.hostname = HOSTNAME;
  writeFileSync(join(bundle, 'config.json'), `${JSON.stringify(spec, null, 2)}\n`);

  const config = containerJson(spec, rootfs);
  const nsinitDirs = [];
  // Each directory's container gets cgroups of its own (a devices allow-list, as runc's
  // spec asks of runc and crun), named lcb-* so that the host check finds leftovers. A
  // parent of its own too: a parent shared by containers that come and go stays behind
  // when the one that made it is not the last to leave.
  const cgroups = (name, more = {}) => ({ name: 'c', parent: `lcb-${process.pid}-${name}`, ...more });
  for (let i = 0; i < dirs; i++) {
    const containerDir = join(dir, `nsinit-${i}`);
    mkdirSync(containerDir);
    writeFileSync(join(containerDir, 'container.json'), `${JSON.stringify({ ...config, cgroups: cgroups(i) }, null, 2)}\n`);
    nsinitDirs.push(containerDir);
  }

  // (e): the same container with a 1 MiB memory limit (and no swap beyond it).
  const limited = join(dir, 'bundle-1m');
  mkdirSync(limited);
  const limit = 1024 * 1024;
  const limitedSpec = {
    ...spec,
    root: { ...spec.root, path: rootfs },
    linux: { ...spec.linux, resources: { ...spec.linux.resources, memory: { limit, swap: limit } } },
  };
  writeFileSync(join(limited, 'config.json'), `${JSON.stringify(limitedSpec, null, 2)}\n`);
  const nsinitLimited = join(dir, 'nsinit-1m');
  mkdirSync(nsinitLimited);
  const limitedConfig = { ...config, cgroups: cgroups('1m', { memory: limit, memory_swap: limit }) };
  writeFileSync(join(nsinitLimited, 'container.json'), `${JSON.stringify(limitedConfig, null, 2)}\n`);
  return { bundle, rootfs, nsinitDirs, spec, config, limitedBundle: limited, nsinitLimited };
}

function runcSpec(runc, bundle) {
  // Rootful `runc spec`: the default a runc user gets, not a hand-tuned minimum.
  const result = spawnSync(runc, ['spec'], { cwd: bundle, encoding: 'utf8' });
  if (result.status !== 0) throw new BenchError(`runc spec in ${bundle}: ${firstLine(result.stderr) || `exit ${result.status}`}`);
  return JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
}

/** The container.json (2014 format) closest to the OCI spec's process and isolation. */
function containerJson(spec, rootfs) {
  const namespaces = {};
  for (const { type } of spec.linux.namespaces) {
    const key = NAMESPACE_KEYS[type];
    if (key === undefined) throw new BenchError(`runc spec: namespace ${type} has no container.json equivalent`);
    namespaces[key] = true;
  }
  const hasRestrictions = (spec.linux.maskedPaths?.length ?? 0) + (spec.linux.readonlyPaths?.length ?? 0) > 0;
  return {
    rootfs,
    hostname: spec.hostname,
    readonly_fs: spec.root.readonly === true,
    namespaces,
    capabilities: spec.process.capabilities.bounding.map((name) => name.replace(/^CAP_/, '')),
    environment: spec.process.env,
    // 2014's restrictions: read-only /proc/sys, /proc/irq, /proc/bus, /sys and a
    // hidden /proc/kcore, the nearest thing to the spec's masked and read-only paths.
    ...(hasRestrictions ? { context: { restrictions: 'true' } } : {}),
  };
}

/** A dynamically linked busybox would need the host's libc inside the rootfs. */
export function assertStatic(file) {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) throw new BenchError(`${file}: not a 64-bit ELF file`);
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const PT_INTERP = 3;
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) {
        throw new BenchError(`${file}: dynamically linked (apt-get install busybox-static)`);
      }
    }
  } finally {
    closeSync(fd);
  }
}

export function firstLine(text) {
  return (text ?? '').trim().split('\n')[0] ?? '';
}
