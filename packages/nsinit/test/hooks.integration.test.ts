// The container's hooks on the real kernel: prestart while its namespaces exist and
// before its set-up goes on, poststart once it runs, poststop once it is gone — each
// given the container's state on stdin; a failing prestart stops the start in one line.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startContainer } from '@lc/nsinit';
import { isRoot, needsRoot } from '@lc/vitest-config';
import { describe, expect, it } from 'vitest';
import {
  readAll,
  updateConfig,
  withContainerDirs,
} from './harness.js';

/** A hook that runs `script` in sh, with the state on its stdin and `file` as $0. */
const shellHook = (script: string, file: string, more: Record<string, unknown> = {}) => ({ path: '/bin/sh', args: ['sh', '-c', script, file], ...more });

describe.skipIf(!isRoot)(`hooks (${needsRoot})`, () => {
  let dir: string;
  withContainerDirs((made) => {
    dir = made;
  });

  it('runs prestart in the container\'s namespaces before it goes on, poststart once it runs, poststop once it is gone', async () => {
    // prestart: the container's network namespace as the host sees it, from the pid in the state.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
    const netnsOfState = 'read s; pid=${s#*\\"pid\\":}; pid=${pid%%,*}; printf "%s\\n%s" "$s" "$(readlink /proc/$pid/ns/net)" > "$0"';
    await updateConfig(dir, {
      hooks: {
        prestart: [shellHook(netnsOfState, join(dir, 'prestart'))],
        poststart: [shellHook('cat > "$0"', join(dir, 'poststart'))],
        poststop: [shellHook('cat > "$0"', join(dir, 'poststop'), { env: ['WHO=hook'] })],
      },
    });
    const container = await startContainer({ dir, args: ['readlink', '/proc/self/ns/net'], stdio: ['ignore', 'pipe', 'ignore'] });
    const [netns] = (await readAll(container.stdout)).trim().split('\n');
    expect(await container.exited).toEqual({ exitCode: 0, signal: null });
    const [prestartState, prestartNetns] = readFileSync(join(dir, 'prestart'), 'utf8').split('\n');
    const state = (file: string) => JSON.parse(file === 'prestart' ? prestartState! : readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    const expected = { ociVersion: '1.0.2', id: dir.split('/').at(-1), pid: container.pid, bundle: dir, annotations: {} };
    expect(state('prestart')).toEqual({ ...expected, status: 'created' });
    expect(state('poststart')).toEqual({ ...expected, status: 'running' });
    expect(state('poststop')).toEqual({ ...expected, status: 'stopped' });
    // The hook saw the network namespace the program then ran in, not the host's.
    expect(prestartNetns).toBe(netns);
    expect(prestartNetns).not.toBe(readlinkSync('/proc/self/ns/net'));
  });

  it('stops the start in one line when a prestart hook fails, leaving nothing', async () => {
    await updateConfig(dir, { hooks: { prestart: [shellHook('echo "no network for you" >&2; exit 3', '')] } });
    await expect(startContainer({ dir, args: ['true'], stdio: ['ignore', 'ignore', 'ignore'] })).rejects.toThrow(
      'hooks.prestart[0]: /bin/sh exited with 3: no network for you',
    );
  });

  it('kills a hook at its timeout, and warns about a failing poststop without failing the container', async () => {
    await updateConfig(dir, { hooks: { poststop: [shellHook('exec sleep 100', '', { timeout: 1 })] } });
    const warnings: string[] = [];
    const container = await startContainer({ dir, args: ['true'], stdio: ['ignore', 'ignore', 'ignore'], onWarning: (w) => warnings.push(w) });
    expect(await container.exited).toEqual({ exitCode: 0, signal: null });
    expect(warnings).toEqual(['hooks.poststop[0]: /bin/sh timed out after 1 s']);
  });
});
