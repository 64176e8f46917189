import type { UserConfig } from 'vitest/config';
export declare function lcVitestConfig(options?: { integration?: boolean }): UserConfig;
export declare const isRoot: boolean;
export declare const needsRoot: string;
