import { defineConfig } from 'vitest/config';

// One config for the whole repository: unit tests live beside each package
// (packages/*/test), cross-process tests under test/.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve: {
    // Import workspace packages from their TypeScript sources, not dist/.
    conditions: ['source'],
  },
  ssr: {
    resolve: {
      conditions: ['source'],
      externalConditions: ['source'],
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // With SHOAL_REQUIRE_DOCKER=1 (CI), fail at once if Docker is missing rather than skip.
    globalSetup: ['test/support/require-docker.ts'],
    reporters: ['default'],
  },
});
