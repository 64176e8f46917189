// pnpm bench: nsinit against runc and crun on one busybox rootfs, side by side in one
// run (issue #3). A benchmark, never a test: targets are reported, not asserted.
//
// The process re-executes itself in a private mount namespace (unshare -m) where an
// empty file hides the hybrid cgroup2 controller list from crun; every runtime runs
// in there, and the outer process checks afterwards that the host is as it was.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertStatic, createBundle } from './bundle.mjs';
import { BenchError } from './errors.mjs';
import { hideHybridControllers, hostDifferences, hostSnapshot, MARK } from './host.mjs';
import { blockedDuring, peakRss, round, stats, throughput, timeContainer, timeSpawn } from './measure.mjs';
import { printReport, targets } from './report.mjs';
import { firstRun, runners, versionLine, which } from './runtimes.mjs';

const self = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repo, 'apps/cli/dist/main.js');
const library = join(repo, 'packages/nsinit/dist/index.js');
const resultFile = join(repo, 'bench-results/latest.json');

const USAGE = `usage: pnpm bench [-- options]
  --runs N          interleaved runs of (a) and (b) (default 30)
  --concurrency N   containers in flight for (c) (default 8)
  --count N         containers per round of (c) (default 64)
  --rounds N        rounds of (c) (default 3)
  --executor X      nsinit executor (node | native); default: lc's own default
writes ${resultFile}`;

main().catch((error) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pnpm bench: ${message.split('\n')[0]}\n`);
  if (!(error instanceof BenchError) && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});

async function main() {
  const argv = process.argv.slice(2).filter((arg) => arg !== '--'); // pnpm passes `--` along
  const innerMode = argv[0] === '--inner';
  const options = parseOptions(innerMode ? argv.slice(1) : argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (innerMode) await inner(options);
  else await outer(argv);
}

function parseOptions(argv) {
  const options = { runs: 30, warmup: 3, concurrency: 8, count: 64, rounds: 3, rssRuns: 5, blockedRuns: 10, executor: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? '';
    const count = (min) => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < min) throw new BenchError(`${name}: expected an integer >= ${min}, got "${text}"`);
      return n;
    };
    if (name === '--runs') options.runs = count(1);
    else if (name === '--concurrency') options.concurrency = count(1);
    else if (name === '--count') options.count = count(1);
    else if (name === '--rounds') options.rounds = count(1);
    else if (name === '--executor') options.executor = value();
    else if (name === '--help' || name === '-h') options.help = true;
    else throw new BenchError(`unknown option ${argv[i]} (pnpm bench -- --help)`);
  }
  if (options.executor !== undefined && !['node', 'native'].includes(options.executor)) {
    throw new BenchError(`--executor: expected node or native, got "${options.executor}"`);
  }
  return options;
}

/** Checks, the private mount namespace, and the host check once it is gone. */
async function outer(args) {
  if (process.getuid?.() !== 0) throw new BenchError('needs root (it starts real containers)');
  tools();
  const before = hostSnapshot();
  const unshare = which('unshare');
  const child = spawn(unshare, ['-m', '--propagation', 'private', process.execPath, self, '--inner', ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the inner process too (same process group): it stops and cleans up;
  // this one waits for it so the host check still runs.
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => child.once('exit', (status) => resolve(status ?? 1)));
  process.off('SIGTERM', forward);

  const problems = hostDifferences(before, hostSnapshot());
  const hostCheck = problems.length ? `not clean: ${problems.join('; ')}` : 'clean (cgroup.controllers unchanged, no mounts, processes or cgroups left)';
  console.log(`host      ${hostCheck}`);
  if (code === 0 && existsSync(resultFile)) {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    writeFileSync(resultFile, `${JSON.stringify({ ...result, hostCheck }, null, 2)}\n`);
    console.log(`json      ${resultFile}`);
  }
  process.exitCode = code;
}

function tools() {
  const found = {};
  for (const name of ['unshare', 'mount', 'runc', 'crun']) {
    found[name] = which(name);
    if (!found[name]) throw new BenchError(`${name} not found (apt-get install runc crun busybox-static time util-linux)`);
  }
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(existsSync);
  if (!busybox) throw new BenchError('busybox not found (apt-get install busybox-static)');
  assertStatic(busybox);
  for (const file of [cli, library]) if (!existsSync(file)) throw new BenchError(`${file} missing (run pnpm build first)`);
  return { ...found, busybox, time: ['/usr/bin/time'].find(existsSync) };
}

/** Everything measured, inside the private mount namespace. */
async function inner(options) {
  const found = tools();
  const { startContainer } = await import(library);
  const dir = mkdtempSync(join(tmpdir(), MARK));
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const check = () => {
    if (stopping) throw new BenchError('interrupted');
  };
  let run;
  try {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const hidden = hideHybridControllers(empty);
    const { bundle, nsinitDirs, spec, config, limitedBundle, nsinitLimited } = createBundle(dir, {
      busybox: found.busybox,
      runc: found.runc,
      dirs: options.concurrency,
    });
    run = runners({ cli, runc: found.runc, crun: found.crun, stateDir: join(dir, 'state'), bundle, nsinitDirs, executor: options.executor });
    const apiOptions = (containerDir) => ({
      dir: containerDir,
      args: ['/bin/true'],
      stdio: ['ignore', 'ignore', 'ignore'],
      ...(options.executor ? { executor: options.executor } : {}),
    });
    if (options.executor && !readFileSync(library, 'utf8').includes('executor')) {
      console.warn(`warning: ${library} shows no executor option; --executor ${options.executor} may be ignored by the API`);
    }

    // A runtime that cannot start one container cannot be benchmarked at all.
    firstRun('nsinit exec', run.nsinit());
    firstRun('runc run', run.runc());
    firstRun('crun run', run.crun());
    const first = await timeContainer(startContainer, apiOptions(nsinitDirs[0]));
    if (!first.ok) throw new BenchError(`nsinit startContainer does not run here: ${first.why}`);

    const failures = new Map();
    // A failed run is kept out of the samples and counted: the benchmark goes on.
    const keep = (label, samples, result, failed = 1) => {
      if (result.ok) samples.push(result);
      else {
        const f = failures.get(label) ?? { case: label, count: 0, first: result.why };
        f.count += failed;
        failures.set(label, f);
      }
    };

    // (a) and (b), interleaved so that a drift of the machine's load hits all alike.
    const s = { nsinit: [], runc: [], crun: [], api: [], spawnTrue: [] };
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < options.warmup + options.runs; i++) {
      check();
      const measured = i >= options.warmup;
      const rounds = [
        ['nsinit exec', 'nsinit', () => timeSpawn(...run.nsinit())],
        ['runc run', 'runc', () => timeSpawn(...run.runc())],
        ['crun run', 'crun', () => timeSpawn(...run.crun())],
        ['API startContainer', 'api', () => timeContainer(startContainer, apiOptions(nsinitDirs[0]))],
        ['spawn /bin/true', 'spawnTrue', () => timeSpawn('/bin/true', [])],
      ];
      for (const [label, key, once] of rounds) {
        const result = await once();
        if (measured) keep(label, s[key], result);
      }
    }
    const rssAfter = process.memoryUsage().rss;
    const ms = (key) => stats(s[key].map((r) => r.ms));
    const a = { nsinit: ms('nsinit'), runc: ms('runc'), crun: ms('crun') };
    a.ratio = { nsinitToRunc: ratio(a.nsinit.median, a.runc.median), nsinitToCrun: ratio(a.nsinit.median, a.crun.median) };
    const b = {
      api: ms('api'),
      spawnTrue: ms('spawnTrue'),
      crunRunMedian: a.crun.median,
      longLivedRssMiB: { before: round(rssBefore / 2 ** 20, 1), after: round(rssAfter / 2 ** 20, 1) },
    };
    b.ratio = { apiToCrun: ratio(b.api.median, a.crun.median), apiToSpawn: ratio(b.api.median, b.spawnTrue.median) };

    // (b') how long each start blocks the main thread, apart: the probe spins a core.
    const blocked = { api: [], spawnTrue: [] };
    for (let i = 0; i < options.blockedRuns; i++) {
      check();
      keep('API startContainer (blocked)', blocked.api, await blockedDuring(() => timeContainer(startContainer, apiOptions(nsinitDirs[0]))));
      keep('spawn /bin/true (blocked)', blocked.spawnTrue, await blockedDuring(() => timeSpawn('/bin/true', [])));
    }
    b.blockedMs = {};
    for (const key of ['api', 'spawnTrue']) {
      b.blockedMs[key] = { total: stats(blocked[key].map((r) => r.totalMs)), longest: stats(blocked[key].map((r) => r.longestMs)) };
    }

    // (c) containers per second with `concurrency` in flight; rounds interleaved.
    const perSecond = { nsinit: [], runc: [], crun: [] };
    for (let r = 0; r < options.rounds; r++) {
      const batches = [
        ['nsinit API (c)', 'nsinit', (w) => timeContainer(startContainer, apiOptions(nsinitDirs[w]))],
        ['runc run (c)', 'runc', () => timeSpawn(...run.runc())],
        ['crun run (c)', 'crun', () => timeSpawn(...run.crun())],
      ];
      for (const [label, key, runOne] of batches) {
        check();
        const batch = await throughput(options.count, options.concurrency, runOne);
        if (batch.failed) keep(label, [], { ok: false, why: batch.whys[0] }, batch.failed);
        perSecond[key].push(batch.perSecond);
      }
    }
    const c = { concurrency: options.concurrency, count: options.count, rounds: options.rounds };
    for (const key of ['nsinit', 'runc', 'crun']) c[key] = { ...stats(perSecond[key]), samples: perSecond[key].map((v) => round(v, 1)) };
    c.ratio = { nsinitToCrun: ratio(c.nsinit.median, c.crun.median), nsinitToRunc: ratio(c.nsinit.median, c.runc.median) };

    // (d) peak RSS, a separate pass: GNU time's own fork and wait stay out of (a).
    const d = { method: 'GNU time -f %M (ru_maxrss from wait4: max of the process and the descendants it reaped), KiB' };
    if (found.time) {
      const kib = { nsinit: [], runc: [], crun: [] };
      const out = join(dir, 'rss');
      for (let r = 0; r < options.rssRuns; r++) {
        for (const key of ['nsinit', 'runc', 'crun']) {
          check();
          const result = peakRss(found.time, out, ...run[key]());
          if (result.ok) kib[key].push(result.kib);
          else keep(`${key} (d)`, [], result);
        }
      }
      for (const key of ['nsinit', 'runc', 'crun']) d[key] = stats(kib[key]);
    } else {
      for (const key of ['nsinit', 'runc', 'crun']) d[key] = stats([]);
      d.method = 'n/a: /usr/bin/time missing (apt-get install time)';
    }
    d.ratio = { nsinitToRunc: ratio(d.nsinit.median, d.runc.median), nsinitToCrun: ratio(d.nsinit.median, d.crun.median) };

    // (e) a container with a 1 MiB memory limit: the CLI and the API against crun.
    const limited = { nsinit: [], crun: [], api: [] };
    for (let i = 0; i < options.warmup + options.runs; i++) {
      check();
      const measured = i >= options.warmup;
      const rounds = [
        ['nsinit exec, 1 MiB (e)', 'nsinit', () => timeSpawn(...run.nsinit(nsinitLimited))],
        ['crun run, 1 MiB (e)', 'crun', () => timeSpawn(...run.crun(limitedBundle))],
        ['API, 1 MiB (e)', 'api', () => timeContainer(startContainer, apiOptions(nsinitLimited))],
      ];
      for (const [label, key, once] of rounds) {
        const result = await once();
        if (measured) keep(label, limited[key], result);
      }
    }
    const e = {};
    for (const key of ['nsinit', 'crun', 'api']) e[key] = stats(limited[key].map((r) => r.ms));
    e.ratio = { nsinitToCrun: ratio(e.nsinit.median, e.crun.median), apiToCrun: ratio(e.api.median, e.crun.median) };

    const result = {
      date: new Date().toISOString(),
      machine: machine(found),
      options: { ...options, help: undefined, executor: options.executor ?? null },
      container: {
        namespaces: spec.linux.namespaces.map((n) => n.type),
        capabilities: config.capabilities,
        readonlyRoot: config.readonly_fs,
        hostname: config.hostname,
        // What the runtimes do that nsinit does not (yet): part of their time.
        notSame: 'all three create a cgroup in every hierarchy with a devices allow-list; runc and crun also mount /sys/fs/cgroup and set RLIMIT_NOFILE and no_new_privs',
      },
      crunWorkaround: hidden ? 'empty file bind-mounted over cgroup.controllers in a private mount namespace' : 'not needed',
      a,
      b,
      c,
      d,
      e,
      failures: [...failures.values()],
    };
    result.targets = targets(result);
    printReport(result);
    mkdirSync(join(repo, 'bench-results'), { recursive: true });
    writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    const left = run?.cleanup() ?? [];
    if (left.length) console.warn(`cleanup: deleted ${left.length} leftover runc/crun container(s)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

function machine(found) {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown cpu';
  return {
    cpu,
    cores: availableParallelism(),
    kernel: release(),
    node: process.version,
    runc: versionLine(found.runc),
    crun: versionLine(found.crun),
    busybox: versionLine(found.busybox, []).split(' (')[0] || 'busybox',
  };
}

function ratio(x, y) {
  return x === null || y === null || y === 0 ? null : round(x / y);
}
