import type { UserConfig } from 'vitest/config';
export declare function lcVitestConfig(): UserConfig;
export declare const isRoot: boolean;
export declare const needsRoot: string;
