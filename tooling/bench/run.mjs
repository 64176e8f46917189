// pnpm bench: container start-up, measured as whole operations (never asserted in
// tests). Today: the portable create path (a Node init per container) from one
// long-lived Node process and through the CLI. The side-by-side comparison with runc
// and crun, concurrency and RSS come with the native executor (issue #3).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const { createHostRootfs, startContainer } = await import(join(repo, 'packages/nsinit/dist/index.js'));
const cli = join(repo, 'apps/cli/dist/main.js');
const runs = Number(process.argv[2] ?? 20); // pnpm bench [runs]

if (process.getuid?.() !== 0) {
  console.error('pnpm bench: needs root (it starts real containers)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
try {
  await createHostRootfs(dir);
  const api = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const container = await startContainer({ dir, args: ['/bin/true'], stdio: ['ignore', 'ignore', 'ignore'] });
    await container.exited;
    api.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const viaCli = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [cli, '-r', dir, 'exec', '/bin/true'], { stdio: 'ignore', env: {} });
    if (result.status !== 0) throw new Error(`nsinit exec /bin/true exited ${result.status}`);
    viaCli.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const rows = [
    { case: 'API: create -> exit of /bin/true, one long-lived process', ...stats(api) },
    { case: 'CLI: nsinit exec /bin/true (whole process)', ...stats(viaCli) },
  ];
  console.table(rows.map((row) => ({ case: row.case, 'min ms': row.min, 'median ms': row.median, 'max ms': row.max })));
  console.log('runc / crun side by side, concurrency, RSS, memory-limited run: n/a until issue #3 (native executor).');
  mkdirSync(join(repo, 'bench-results'), { recursive: true });
  writeFileSync(join(repo, 'bench-results/latest.json'), `${JSON.stringify({ runs, rows, date: new Date().toISOString() }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 100) / 100;
  return { min: round(sorted[0]), median: round(sorted[Math.floor(sorted.length / 2)]), max: round(sorted.at(-1)) };
}
