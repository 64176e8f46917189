// The printed table and the targets beside the measured ratios. A missed
// target is reported, never an error: this is a benchmark, not a test.
import { round } from './measure.mjs';

/** Issue #3's targets, each as measured/target with a direction. */
export function targets(result) {
  const row = (name, measured, target, direction) => ({
    name,
    measured: round(measured),
    target,
    direction,
    met: measured === null || !Number.isFinite(measured) ? null : direction === '<=' ? measured <= target : measured >= target,
  });
  return [
    row('(a) nsinit exec / runc run, medians', result.a.ratio.nsinitToRunc, 1.3, '<='),
    row('(b) API create->exit / crun run, medians', result.b.ratio.apiToCrun, 0.2, '<='),
    row('(b) API create->exit / spawn /bin/true, medians', result.b.ratio.apiToSpawn, 2.5, '<='),
    row('(c) nsinit API / crun run, containers/s', result.c.ratio.nsinitToCrun, 4, '>='),
    row('(b) main thread blocked per API start, ms', result.b.blockedMs.api.total.median, 0.2, '<='),
  ];
}

export function printReport(result) {
  const { machine: m, options: o } = result;
  const out = [];
  out.push(`lc bench  ${result.date}`);
  out.push(`machine   ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, node ${m.node}`);
  out.push(`runtimes  ${m.runc}; ${m.crun}; nsinit executor: ${o.executor ?? 'default'}`);
  const k = result.container;
  out.push(`container ${m.busybox} (static) /bin/true; runc's default spec: ns ${k.namespaces.join(' ')}, ${k.capabilities.length} caps, ${k.readonlyRoot ? 'ro' : 'rw'} root`);
  out.push(`          ${k.notSame}`);
  out.push(`runs      (a)(b) ${o.runs} interleaved (+${o.warmup} warm-up); blocked ${o.blockedRuns}; (c) ${o.count} containers at concurrency ${o.concurrency}, ${o.rounds} rounds; (d) ${o.rssRuns}`);
  out.push('');

  const ms = (s) => [fmt(s.min), fmt(s.median), fmt(s.max)];
  const { a, b, c, d } = result;
  const rows = [
    ['case', 'min', 'median', 'max', 'unit', 'ratio of medians'],
    ['(a) nsinit exec /bin/true, env -i', ...ms(a.nsinit), 'ms', `${x(a.ratio.nsinitToRunc)} runc, ${x(a.ratio.nsinitToCrun)} crun`],
    ['(a) runc run', ...ms(a.runc), 'ms', ''],
    ['(a) crun run', ...ms(a.crun), 'ms', ''],
    ['(b) API startContainer create->exit', ...ms(b.api), 'ms', `${x(b.ratio.apiToCrun)} crun run, ${x(b.ratio.apiToSpawn)} spawn`],
    ['(b) spawn /bin/true (floor)', ...ms(b.spawnTrue), 'ms', ''],
    ['(b) main thread blocked per start (sum)', ...ms(b.blockedMs.api.total), 'ms', `longest ${fmt(b.blockedMs.api.longest.median)} ms`],
    ['(b) main thread blocked, spawn /bin/true', ...ms(b.blockedMs.spawnTrue.total), 'ms', `longest ${fmt(b.blockedMs.spawnTrue.longest.median)} ms`],
    [`(c) nsinit API, ${c.concurrency} in flight`, ...rate(c.nsinit), '/s', `${x(c.ratio.nsinitToCrun)} crun, ${x(c.ratio.nsinitToRunc)} runc`],
    [`(c) runc run, ${c.concurrency} in flight`, ...rate(c.runc), '/s', ''],
    [`(c) crun run, ${c.concurrency} in flight`, ...rate(c.crun), '/s', ''],
    ['(d) peak RSS nsinit exec (CLI, init)', ...mib(d.nsinit), 'MiB', `${x(d.ratio.nsinitToRunc)} runc, ${x(d.ratio.nsinitToCrun)} crun`],
    ['(d) peak RSS runc run', ...mib(d.runc), 'MiB', ''],
    ['(d) peak RSS crun run', ...mib(d.crun), 'MiB', ''],
    ['(e) nsinit exec, 1 MiB memory limit', ...ms(result.e.nsinit), 'ms', `${x(result.e.ratio.nsinitToCrun)} crun`],
    ['(e) crun run, 1 MiB memory limit', ...ms(result.e.crun), 'ms', ''],
    ['(e) API create->exit, 1 MiB memory limit', ...ms(result.e.api), 'ms', `${x(result.e.ratio.apiToCrun)} crun`],
  ];
  out.push(...align(rows, [0, 1, 1, 1, 0, 0]));
  out.push('');

  const targetRows = [['target (issue #3)', 'measured', 'target', '']];
  for (const t of result.targets) {
    const unit = t.name.endsWith('ms') ? '' : 'x';
    const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'not met';
    targetRows.push([t.name, `${fmt(t.measured)}${unit}`, `${t.direction === '<=' ? '<=' : '>='} ${t.target}${unit}`, verdict]);
  }
  out.push(...align(targetRows, [0, 1, 1, 0]));
  if (result.failures.length) {
    out.push('');
    for (const f of result.failures) out.push(`failed    ${f.case}: ${f.count} run(s), not counted (first: ${f.first})`);
  }
  out.push('');
  out.push(`(d) is ru_maxrss from wait4 as GNU time -f %M reports it: the largest of the process and the descendants it reaped, not their sum.`);
  out.push(`(c) is the median of ${o.rounds} rounds, min and max beside it.`);
  console.log(out.join('\n'));
}

function rate(r) {
  return [fmt(r.min, 1), fmt(r.median, 1), fmt(r.max, 1)];
}

function mib(s) {
  const toMib = (kib) => (kib === null ? null : kib / 1024);
  return [fmt(toMib(s.min), 1), fmt(toMib(s.median), 1), fmt(toMib(s.max), 1)];
}

function fmt(value, digits = 2) {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function x(ratio) {
  return ratio === null || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(2)}x`;
}

/** Pads columns; right-aligned where `right[i]` is 1. */
function align(rows, right) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (right[i] ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
