import { testModel } from '@lc/config-types/testing';
import { PlanBuilder, renderPlan } from '@lc/system';
import { type FakeFile, FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { pathSteps } from './paths.js';

/** The host's /proc and /sys as a kernel with these entries shows them, plus `files`. */
function host(files: Readonly<Record<string, FakeFile | string>> = {}): FakeSystem {
  return new FakeSystem({
    files: {
      '/proc/self': { type: 'symlink', target: '1' },
      '/proc/sys': { type: 'directory' },
      '/proc/sysrq-trigger': 'x',
      '/proc/irq': { type: 'directory' },
      '/proc/bus': { type: 'directory' },
      '/proc/kcore': 'x',
      '/proc/keys': 'x',
      '/proc/timer_list': 'x',
      '/proc/acpi': { type: 'directory' },
      '/sys/kernel': { type: 'directory' },
      '/sys/firmware': { type: 'directory' },
      ...files,
    },
  });
}

function plan(model: Parameters<typeof testModel>[0], sys: FakeSystem): PlanBuilder {
  const b = new PlanBuilder('x64');
  pathSteps(b, testModel(model), sys, b.slot('rootfs'));
  return b;
}

const lines = (b: PlanBuilder) => renderPlan(b.build()).split('\n').map((line) => line.replace(/^\s*\d+\s+/, ''));

describe('pathSteps', () => {
  it('makes the 2014 restrictions: read-only /proc paths and /sys, /dev/null over /proc/kcore', () => {
    const b = plan(
      {
        readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys'],
        maskedPaths: ['/proc/kcore'],
      },
      host(),
    );
    const built = b.build();
    expect(renderPlan(built)).toMatchSnapshot();
    // Every path is opened from the rootfs fd, and every mount goes on such an fd.
    const opens = built.steps.filter((step) => step.syscall === 'openat2');
    expect(opens.every((step) => step.args[0]?.kind === 'slot' && step.args[0].index === 0)).toBe(true);
    expect(built.steps.some((step) => step.syscall === 'mount')).toBe(false);
    expect(built.steps.every((step) => step.onError.policy === 'fail')).toBe(true);
  });

  it('masks /proc files with /dev/null, directories with a read-only tmpfs, as the host shows them', () => {
    const b = plan(
      {
        maskedPaths: ['/proc/acpi', '/proc/keys', '/proc/timer_list/', '/sys/firmware', '/data/secrets'],
        readonlyPaths: ['/usr'],
        labels: { mountLabel: 'system_u:object_r:container_file_t:s0' },
      },
      host({ '/r/data/secrets': { type: 'directory' }, '/r/usr': { type: 'directory' } }),
    );
    expect(renderPlan(b.build())).toMatchSnapshot();
  });

  it('adds nothing without restrictions', () => {
    expect(plan({}, host()).length).toBe(0);
  });

  it('leaves out what the kernel does not have', () => {
    const b = plan({ maskedPaths: ['/proc/timer_stats', '/sys/devices/virtual/powercap'], readonlyPaths: ['/proc/nope'] }, host());
    expect(b.length).toBe(0);
  });

  it('keeps a /sys path when the host has no /sys to look at, for the run to decide', () => {
    const sys = new FakeSystem({ files: { '/proc/self': { type: 'symlink', target: '1' } } });
    const b = plan({ maskedPaths: ['/sys/firmware'] }, sys);
    expect(lines(b)).toContain(
      'openat2($rootfs, "/sys/firmware", {flags=O_DIRECTORY|O_CLOEXEC|O_PATH, resolve=RESOLVE_NO_MAGICLINKS|RESOLVE_IN_ROOT}, 24) = $target',
    );
  });

  it('looks at rootfs paths: masks a file with /dev/null, a directory with a tmpfs, skips a missing one', () => {
    const b = plan(
      { maskedPaths: ['/etc/secret', '/srv/data', '/nope'], readonlyPaths: ['/srv/data', '/gone'] },
      host({ '/r/etc/secret': 'x', '/r/srv/data': { type: 'directory' } }),
    );
    const text = lines(b);
    expect(text.filter((line) => line.startsWith('openat2')).map((line) => line.split(',')[1]?.trim())).toEqual([
      '"/srv/data"',
      '"/dev/null"',
      '"/etc/secret"',
      '"/srv/data"',
    ]);
    expect(b.build().steps.map((step) => step.label)).toContain('readonly_paths /srv/data: make it read-only');
    expect(text.join('\n')).not.toContain('/nope');
    expect(text.join('\n')).not.toContain('/gone');
  });

  it('names the field and the path in every step', () => {
    const b = plan({ maskedPaths: ['/proc/kcore'], readonlyPaths: ['/proc/sys'] }, host());
    for (const step of b.build().steps) expect(step.label).toMatch(/^(mask_paths|readonly_paths)( \/proc\/(kcore|sys))?: /);
  });
});
