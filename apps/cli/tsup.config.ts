import { lcTsupConfig } from '@lc/tsup-config';
import { defineConfig } from 'tsup';

// The bin: no declarations, a shebang.
export default defineConfig({ ...lcTsupConfig({ entry: ['src/main.ts'] }), dts: false, banner: { js: '#!/usr/bin/env node' } });
