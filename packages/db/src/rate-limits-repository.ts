import { sql } from 'drizzle-orm';
import type { DbHandle } from './create-db.js';
import { rateLimits } from './schema.js';

/**
 * The counters behind the API's rate limits, shared by all its processes: one atomic upsert per
 * hit (a window that has ended starts again at 1), so concurrent hits on several processes each
 * count once and none is lost.
 */
export function createRateLimitsRepository(handle: DbHandle) {
  return {
    /** Counts one hit on `key` in a window of `windowMs` from its first hit; how many so far and when it ends. */
    async hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: number }> {
      const at = now.toISOString();
      const until = new Date(now.getTime() + windowMs).toISOString();
      const [row] = await handle.rows<{ count: number; reset_at: number }>(sql`
        INSERT INTO ${rateLimits} AS r (key, count, reset_at) VALUES (${key}, 1, ${until}::timestamptz)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN r.reset_at <= ${at}::timestamptz THEN 1 ELSE r.count + 1 END,
          reset_at = CASE WHEN r.reset_at <= ${at}::timestamptz THEN excluded.reset_at ELSE r.reset_at END
        RETURNING r.count, (extract(epoch FROM r.reset_at) * 1000)::float8 AS reset_at`);
      return { count: row!.count, resetAt: row!.reset_at };
    },

    /** Takes back one hit of the current window (what it counted did not happen). */
    async release(key: string, now: Date): Promise<void> {
      await handle.db.execute(sql`UPDATE ${rateLimits} SET count = count - 1 WHERE key = ${key} AND count > 0 AND reset_at > ${now.toISOString()}::timestamptz`);
    },

    /** Forgets counters whose window has ended (the sweep). */
    async removeExpired(now: Date): Promise<number> {
      const rows = await handle.rows(sql`DELETE FROM ${rateLimits} WHERE reset_at <= ${now.toISOString()}::timestamptz RETURNING 1`);
      return rows.length;
    },
  };
}

export type RateLimitsRepository = ReturnType<typeof createRateLimitsRepository>;
