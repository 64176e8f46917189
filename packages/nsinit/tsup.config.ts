import { lcTsupConfig } from '@lc/tsup-config';

// init-main is the Node init: its own entry, started by path, never imported.
export default lcTsupConfig({ entry: ['src/index.ts', 'src/init-main.ts'], dtsEntry: ['src/index.ts'] });
