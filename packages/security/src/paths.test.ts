import { testModel } from '@lc/config-types/testing';
import { MS, PlanBuilder, renderPlan } from '@lc/system';
import { FakeSystem } from '@lc/system/testing';
import { describe, expect, it } from 'vitest';
import { pathSteps } from './paths.js';

/** A rootfs at /r whose filesystem has nosuid and nodev. */
function rootfs(files: ConstructorParameters<typeof FakeSystem>[0] extends infer O ? (O extends { files?: infer F } ? F : never) : never) {
  const paths = Object.keys(files ?? {});
  return new FakeSystem({ files, mountFlags: Object.fromEntries(paths.map((path) => [path, MS.NOSUID | MS.NODEV])) });
}

describe('pathSteps', () => {
  it('makes the 2014 restrictions: read-only /proc paths and /sys, /dev/null over /proc/kcore', () => {
    const b = new PlanBuilder('x64');
    pathSteps(
      b,
      testModel({
        readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/sys'],
        maskedPaths: ['/proc/kcore'],
      }),
      new FakeSystem(),
    );
    const built = b.build();
    expect(renderPlan(built)).toMatchSnapshot();
    expect(built.steps.map((step) => step.label)).toEqual([
      'bind /proc/sys onto itself',
      'remount /proc/sys read-only',
      'bind /proc/sysrq-trigger onto itself',
      'remount /proc/sysrq-trigger read-only',
      'bind /proc/irq onto itself',
      'remount /proc/irq read-only',
      'bind /proc/bus onto itself',
      'remount /proc/bus read-only',
      'bind /sys onto itself',
      'remount /sys read-only',
      'mask /proc/kcore with /dev/null',
    ]);
    expect(built.steps.every((step) => step.onError.policy === 'ignore-errno')).toBe(true);
  });

  it('masks known /proc files with /dev/null and directories with a read-only tmpfs', () => {
    const b = new PlanBuilder('x64');
    pathSteps(
      b,
      testModel({
        maskedPaths: ['/proc/acpi', '/proc/keys', '/proc/timer_list/', '/sys/firmware', '/data/secrets'],
        readonlyPaths: ['/usr'],
        labels: { mountLabel: 'system_u:object_r:container_file_t:s0' },
      }),
      rootfs({ '/r/data/secrets': { type: 'directory' }, '/r/usr': { type: 'directory' } }),
    );
    expect(renderPlan(b.build())).toMatchSnapshot();
  });

  it('adds nothing without restrictions', () => {
    const b = new PlanBuilder('x64');
    pathSteps(b, testModel(), new FakeSystem());
    expect(b.length).toBe(0);
  });

  it('looks at rootfs paths: masks a file with /dev/null, a directory with a tmpfs, skips a missing one, keeps the flags of a read-only one', () => {
    const b = new PlanBuilder('x64');
    pathSteps(
      b,
      testModel({ maskedPaths: ['/etc/secret', '/srv/data', '/nope'], readonlyPaths: ['/srv/data', '/gone'] }),
      rootfs({ '/r/etc/secret': 'x', '/r/srv/data': { type: 'directory' } }),
    );
    expect(renderPlan(b.build()).split('\n').map((line) => line.replace(/^\s*\d+\s+/, ''))).toEqual([
      'mount("/srv/data", "/srv/data", NULL, MS_BIND|MS_REC, NULL)  [ENOENT ok]',
      'mount("/srv/data", "/srv/data", NULL, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_REMOUNT|MS_BIND, NULL)  [ENOENT ok]',
      'mount("/dev/null", "/etc/secret", NULL, MS_BIND, NULL)  [ENOENT ok]',
      'mount("tmpfs", "/srv/data", "tmpfs", MS_RDONLY, NULL)  [ENOENT ok]',
    ]);
  });
});
