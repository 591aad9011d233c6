import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    // Fails the run, naming them, if processes the tests started outlive the last test.
    globalSetup: ['test/global-setup.ts'],
  },
});
