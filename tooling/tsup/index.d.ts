import type { Options } from 'tsup';
export declare function lcTsupConfig(options?: { entry?: string[]; dtsEntry?: string[] }): Options;
