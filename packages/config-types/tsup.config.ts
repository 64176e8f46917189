import { lcTsupConfig } from '@lc/tsup-config';

export default lcTsupConfig({
  entry: ['src/index.ts', 'src/capability-names.ts', 'src/testing/index.ts'],
  // zod bundled and tree-shaken: a full `import('zod')` costs ~50 ms, more than the whole
  // start-up budget of `nsinit exec`; the schemas' share of zod/mini loads in a few.
  noExternal: ['zod'],
});
