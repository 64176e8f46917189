import { defineConfig } from 'tsup';

export default defineConfig({
  // init-main is the Node init: its own entry, started by path, never imported.
  entry: ['src/index.ts', 'src/init-main.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts'] },
  clean: true,
  target: 'node20',
  sourcemap: true,
});
