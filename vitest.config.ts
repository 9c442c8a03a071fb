import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // A guard against hangs, not a speed check: on two busy cores the tests
    // that build 20 MB values or drive a browser take several seconds.
    testTimeout: 30_000,
    // Builds the pinned Jaeger for the end-to-end tests, once per run.
    globalSetup: ['./test/support/global-setup.ts'],
  },
});
