import { lcVitestConfig } from '@lc/vitest-config';

export default lcVitestConfig();
