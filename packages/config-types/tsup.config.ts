import { lcTsupConfig } from '@lc/tsup-config';

export default lcTsupConfig({ entry: ['src/index.ts', 'src/capability-names.ts', 'src/testing/index.ts'] });
