/**
 * How long a screen, a reply or a server start may take before a test calls it missing. Every wait
 * ends as soon as what it waits for shows (a screen shows in well under a second here), so this
 * is not a speed budget: it only has to be far above what a busy two-core machine ever needs, and
 * it is the same for Playwright's waits and for expect.poll (vitest.config.ts).
 */
export const PATIENCE_MS = 60_000;
