import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Builds the pinned Jaeger for the end-to-end tests, once per run.
    globalSetup: ['./test/support/global-setup.ts'],
  },
});
