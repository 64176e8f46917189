// The three runtimes as the benchmark drives them: the argv of one whole `run` each,
// a first run that must succeed (else the benchmark cannot run at all), and the
// clean-up of runc's and crun's state.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { firstLine } from './bundle.mjs';
import { BenchError } from './errors.mjs';

/** Absolute path of a program on PATH (spawned later with an empty environment). */
export function which(name) {
  for (const dir of (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    const file = join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

export function versionLine(file, args = ['--version']) {
  const result = spawnSync(file, args, { encoding: 'utf8' });
  return firstLine(result.stdout);
}

/**
 * argv builders. runc and crun get a unique container id per run and a private
 * state root (`--root`) inside the benchmark's directory, so no state can outlive it.
 */
export function runners({ cli, runc, crun, stateDir, bundle, nsinitDirs, executor }) {
  let serial = 0;
  const id = () => `lcb-${process.pid}-${serial++}`;
  const executorArgs = executor ? ['--executor', executor] : [];
  const runcRoot = join(stateDir, 'runc');
  const crunRoot = join(stateDir, 'crun');
  return {
    nsinit: (dir = nsinitDirs[0]) => [process.execPath, [cli, ...executorArgs, '-r', dir, 'exec', '/bin/true']],
    runc: (which = bundle) => [runc, ['--root', runcRoot, 'run', '--bundle', which, id()]],
    crun: (which = bundle) => [crun, ['--root', crunRoot, 'run', '--bundle', which, id()]],
    cleanup: () => {
      const left = [];
      for (const [file, root] of [
        [runc, runcRoot],
        [crun, crunRoot],
      ]) {
        if (!existsSync(root)) continue;
        const listed = spawnSync(file, ['--root', root, 'list', '-q'], { encoding: 'utf8' });
        for (const name of (listed.stdout ?? '').split('\n').filter(Boolean)) {
          spawnSync(file, ['--root', root, 'delete', '-f', name], { stdio: 'ignore' });
          left.push(name);
        }
      }
      return left;
    },
  };
}

/** One synchronous run with stderr kept: a runtime that fails here cannot be measured. */
export function firstRun(label, [file, args]) {
  const result = spawnSync(file, args, { env: {}, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new BenchError(`${label}: ${result.error.message}`);
  if (result.status !== 0) {
    const why = firstLine(result.stderr) || (result.signal ? `killed by ${result.signal}` : `exit ${result.status}`);
    throw new BenchError(`${label} does not run here: ${why}`);
  }
}
