import type { Options } from 'tsup';
export declare function lcTsupConfig(options?: {
  entry?: string[];
  dtsEntry?: string[];
  /** Dependencies bundled (tree-shaken) into dist instead of imported at run time. */
  noExternal?: string[];
}): Options;
