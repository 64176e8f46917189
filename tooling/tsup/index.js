// Shared tsup configuration: ESM for Node 20 with .d.ts, one entry per public
// export of the package (the `exports` map names the same files).
import { defineConfig } from 'tsup';

/** @param {{ entry?: string[], dtsEntry?: string[] }} [options] */
export function lcTsupConfig(options = {}) {
  const entry = options.entry ?? ['src/index.ts'];
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { entry: options.dtsEntry ?? entry },
    clean: true,
    target: 'node20',
    sourcemap: true,
  });
}
