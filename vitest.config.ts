import { defineConfig } from 'vitest/config';
import { PATIENCE_MS } from './tests/e2e/patience.js';

/**
 * unit: the domain, no database. integration: the API through app.inject on a real database, run
 * twice: on embedded PGlite, and on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
 * e2e: the mini-program's H5 build in Chromium against the real API process.
 * miniapp: the mini-program's forms and screens in jsdom (configured in apps/miniapp/vitest.config.mts).
 *
 * On a two-core machine the browser tests must not share the cores with the integration files (a
 * sign-in once took longer than Playwright's default 30 s while they ran beside it): every other
 * project runs first, three files at a time (vitest's default on two cores is one: many files wait
 * on PostgreSQL, a timer or a socket, so three keep both cores busy: 311 → 216 s), then the e2e
 * files two at a time, the machine to themselves. The browser tests wait on what the screen shows, never on a fixed time
 * (tests/e2e/browser.ts, PATIENCE_MS).
 */
const postgresUrl = process.env.TEST_DATABASE_URL;

const integration = (name: string, env: Record<string, string>) => ({
  test: {
    name,
    include: ['tests/integration/**/*.test.ts'],
    env,
    globalSetup: ['tests/support/global-setup.ts'],
    // What another process or a background job does shows up when it shows up: polls end as
    // soon as it does, and only a lost announcement would wait this long.
    expect: { poll: { timeout: 30_000, interval: 20 } },
    // Backstops for a test that hangs, not budgets: far above what the slowest test (a server
    // process started three times, 20,000 rows exported) needs on a machine loaded to 25.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});

export default defineConfig({
  test: {
    maxWorkers: 3,
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 60_000 } },
      integration('integration-pglite', { TEST_DB: 'pglite' }),
      ...(postgresUrl ? [integration('integration-postgres', { TEST_DB: 'postgres', TEST_DATABASE_URL: postgresUrl })] : []),
      'apps/miniapp/vitest.config.mts',
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          // Backstops for a test that hangs; each of its waits has PATIENCE_MS.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: PATIENCE_MS, interval: 100 } },
          // After the other projects, two files at a time (each with its own API process and
          // browser); each journey step by step, in order. care.test.ts, the longest, audits its
          // roles side by side, two at a time.
          sequence: { groupOrder: 1, concurrent: false },
          maxWorkers: 2,
          maxConcurrency: 2,
        },
      },
    ],
  },
});
