import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '**/*.spec.ts', 'build/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Network tests bind fixed loopback ranges; files run in parallel across 2 cores.
    pool: 'forks',
  },
});
