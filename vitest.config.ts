import { defineConfig } from 'vitest/config';

/**
 * unit: the domain, no database. integration: the API through app.inject on a real database, run
 * twice: on embedded PGlite, and on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
 * e2e: the mini-program's H5 build in Chromium against the real API process.
 * miniapp: the mini-program's forms and screens in jsdom (configured in apps/miniapp/vitest.config.mts).
 */
const postgresUrl = process.env.TEST_DATABASE_URL;

const integration = (name: string, env: Record<string, string>) => ({
  test: {
    name,
    include: ['tests/integration/**/*.test.ts'],
    env,
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      integration('integration-pglite', { TEST_DB: 'pglite' }),
      ...(postgresUrl ? [integration('integration-postgres', { TEST_DB: 'postgres', TEST_DATABASE_URL: postgresUrl })] : []),
      'apps/miniapp/vitest.config.mts',
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One journey, step by step, in order.
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
