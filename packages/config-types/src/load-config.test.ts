import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadContainerConfig } from './load-config.js';
import { SAMPLE_2014 } from './sample-configs.test-data.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadContainerConfig', () => {
  it('loads the 2014 sample config', async () => {
    await writeFile(join(dir, 'container.json'), JSON.stringify(SAMPLE_2014, null, 4));
    const { config, model, file } = await loadContainerConfig(dir);
    expect(file).toBe(join(dir, 'container.json'));
    expect(config).toEqual(SAMPLE_2014);
    expect(model.rootfs).toBe(dir);
    expect(model.namespaces.map((ns) => ns.kind)).toEqual(['mount', 'uts', 'ipc', 'pid', 'network']);
    expect(model.hostname).toBe('koye');
    expect(model.process.terminal).toBe(true);
    expect(model.process.capabilities).toEqual(['MKNOD']);
    expect(model.cgroup).toMatchObject({ name: 'docker-koye', parent: 'docker' });
    expect(model.networks).toHaveLength(2);
    expect(model.mounts).toEqual([]);
  });

  it('reads another file when asked', async () => {
    const other = join(dir, 'other.json');
    await writeFile(other, '{"hostname": "other"}');
    const { model, file } = await loadContainerConfig(dir, { file: other });
    expect(file).toBe(other);
    expect(model.hostname).toBe('other');
    expect(model.rootfs).toBe(dir);
  });

  it('names a missing file', async () => {
    const error = await failure(loadContainerConfig(dir));
    expect(error.message).toBe(`${join(dir, 'container.json')}: no such file (ENOENT)`);
    expect((error.cause as { code?: string }).code).toBe('ENOENT');
  });

  it('names a directory where the file should be', async () => {
    await mkdir(join(dir, 'container.json'));
    const error = await failure(loadContainerConfig(dir));
    expect(error.message).toBe(`${join(dir, 'container.json')}: is a directory (EISDIR)`);
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file', async () => {
    const file = join(dir, 'container.json');
    await writeFile(file, '{}');
    await chmod(file, 0);
    const error = await failure(loadContainerConfig(dir));
    expect(error.message).toBe(`${file}: permission denied (EACCES)`);
  });

  it('points at a syntax error by line and column', async () => {
    await writeFile(join(dir, 'container.json'), '{\n    "hostname": "koye",\n    "tty": true,\n}\n');
    const error = await failure(loadContainerConfig(dir));
    expect(error.message).toBe(`${join(dir, 'container.json')}:4:1: expected double-quoted property name`);
  });

  it('names the field, the problem and the value for a schema error', async () => {
    await writeFile(join(dir, 'container.json'), JSON.stringify({ cgroups: { memory: 'lots' } }));
    const error = await failure(loadContainerConfig(dir));
    expect(error.message).toBe(`${join(dir, 'container.json')}: cgroups.memory: expected an integer, got "lots"`);
    expect(error.message).not.toContain('\n');
  });
});

describe('loadContainerConfig, loaded again', () => {
  it('reuses the validated result while the file reads the same, and validates a changed one', async () => {
    await writeFile(join(dir, 'container.json'), '{"hostname": "one"}');
    const first = await loadContainerConfig(dir);
    expect(await loadContainerConfig(dir)).toBe(first);
    // Same size, written at once: only the content tells them apart.
    await writeFile(join(dir, 'container.json'), '{"hostname": "two"}');
    const second = await loadContainerConfig(dir);
    expect(second.model.hostname).toBe('two');
    await writeFile(join(dir, 'container.json'), '{"hostname": 2}');
    await expect(loadContainerConfig(dir)).rejects.toThrow('hostname');
  });
});
