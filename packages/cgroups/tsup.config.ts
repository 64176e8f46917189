import { lcTsupConfig } from '@lc/tsup-config';

export default lcTsupConfig();
