import { lcTsupConfig } from '@lc/tsup-config';
import { defineConfig } from 'tsup';

// The bin: no declarations, a shebang, and every @lc package bundled in, so that
// `nsinit exec` parses one file instead of loading ~20 modules (most of its start-up).
export default defineConfig({
  ...lcTsupConfig({ entry: ['src/main.ts'], noExternal: ['@lc/cgroups', '@lc/config-types', '@lc/console', '@lc/system', '@lc/mount', '@lc/security', '@lc/network', '@lc/nsinit'] }),
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
