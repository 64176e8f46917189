// Shared tsup configuration: ESM for Node 20 with .d.ts, one entry per public
// export of the package (the `exports` map names the same files).
import { defineConfig } from 'tsup';

/**
 * `noExternal`: dependencies to bundle into dist (tree-shaken) instead of importing them
 * at run time — for a dependency whose full import would cost start-up time (zod).
 * @param {{ entry?: string[], dtsEntry?: string[], noExternal?: string[] }} [options]
 */
export function lcTsupConfig(options = {}) {
  const entry = options.entry ?? ['src/index.ts'];
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { entry: options.dtsEntry ?? entry },
    clean: true,
    target: 'node20',
    sourcemap: true,
    ...(options.noExternal ? { noExternal: options.noExternal, treeshake: true } : {}),
  });
}
