import { createRateLimitsRepository, type DbHandle } from '@minhu/db';

/** One counted hit: how many in the current window, and when it ends (ms since the epoch). */
export interface Hit {
  count: number;
  resetAt: number;
}

/**
 * Counters for rate limits: in PostgreSQL, shared by every API process (one atomic upsert per
 * hit); in the embedded database's single process, in memory. On the app's clock, so a test
 * moves time instead of waiting.
 */
export interface RateCounters {
  hit(key: string, windowMs: number, now: Date): Promise<Hit>;
  /** Takes back one hit of the current window (what it counted did not happen after all). */
  release(key: string, now: Date): Promise<void>;
  /** Forgets windows that have ended (the sweep). */
  removeExpired(now: Date): Promise<number>;
}

/** Past this many keys in memory, ended windows are forgotten, then the oldest. */
const MEMORY_KEYS = 50_000;

export function createRateCounters(handle: DbHandle): RateCounters {
  if (handle.kind === 'postgres') return createRateLimitsRepository(handle);
  const windows = new Map<string, Hit>();
  const removeExpired = (now: number) => {
    let removed = 0;
    for (const [key, hit] of windows) if (hit.resetAt <= now && windows.delete(key)) removed++;
    return removed;
  };
  return {
    async hit(key, windowMs, now) {
      const at = now.getTime();
      let hit = windows.get(key);
      if (!hit || hit.resetAt <= at) {
        if (windows.size >= MEMORY_KEYS && removeExpired(at) === 0) windows.delete(windows.keys().next().value!);
        hit = { count: 0, resetAt: at + windowMs };
        windows.delete(key);
        windows.set(key, hit);
      }
      hit.count++;
      return { ...hit };
    },
    async release(key, now) {
      const hit = windows.get(key);
      if (hit && hit.resetAt > now.getTime() && hit.count > 0) hit.count--;
    },
    async removeExpired(now) {
      return removeExpired(now.getTime());
    },
  };
}
