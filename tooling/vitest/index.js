// Shared vitest configuration for every lc package.
//
// Unit tests live beside the source (src/x.test.ts). Integration tests live in
// test/*.integration.test.ts: they create real namespaces, mounts and cgroups, so
// they need root and run one file at a time (each asserts that the host is left
// as it was, which only holds when no other container test runs beside it).
import { defineConfig } from 'vitest/config';

export function lcVitestConfig() {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  });
}

/** True when the tests run as root: integration tests skip with this reason otherwise. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
export const needsRoot = 'needs root: creates real namespaces and mounts';
