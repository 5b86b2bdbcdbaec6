import { sql } from 'drizzle-orm';
import type { DbHandle } from './create-db.js';

/** What anonymising would touch (a dry run) or touched. */
export type RetentionReport = {
  tickets: number;
  items: number;
  attachments: number;
  events: number;
  notifications: number;
};

/** What a ticket's free text says once its retention period is over. */
export const ANONYMISED_TEXT = '（已超过保存期限，内容已清除）';

/**
 * 保存期限 (issue 16.8, PIPL): tickets finished (closed or cancelled) longer ago than the retention
 * period lose what says who and what in the person's words: description, comments and reasons,
 * the items, phone numbers and the contact's name, photos and voice notes, the timeline's texts
 * and the notifications' bodies. What the figures need stays: category, urgency, status, times,
 * area, team, rating. The timeline is append-only (a trigger) except for this job's own
 * transaction, which says so with `minhu.retention`.
 */
export function createRetentionRepository(handle: DbHandle) {
  const due = (before: Date) =>
    sql`t.status IN ('closed', 'cancelled') AND t.anonymised_at IS NULL AND coalesce(t.closed_at, t.updated_at) < ${before.toISOString()}::timestamptz`;

  return {
    /** What anonymising everything due before `before` would touch, changing nothing. */
    async dryRun(before: Date): Promise<RetentionReport> {
      const [row] = await handle.rows<RetentionReport>(sql`
        WITH d AS (SELECT t.id, t.attachments FROM tickets t WHERE ${due(before)})
        SELECT (SELECT count(*)::int FROM d) AS tickets,
          (SELECT count(*)::int FROM ticket_items i JOIN d ON d.id = i.ticket_id) AS items,
          (SELECT count(*)::int FROM uploads u JOIN d ON d.id = u.ticket_id) AS attachments,
          (SELECT count(*)::int FROM ticket_events e JOIN d ON d.id = e.ticket_id
            WHERE e.data ?| array['text', 'reason', 'comment', 'attachments']) AS events,
          (SELECT count(*)::int FROM notifications n JOIN d ON d.id = n.ticket_id) AS notifications`);
      return row!;
    },

    /**
     * Anonymises up to `limit` tickets due before `before`, in one transaction, skipping any that
     * someone is writing (the next run takes them). Returns what it touched; fewer tickets than
     * `limit` means nothing more is due.
     */
    async anonymiseBatch(before: Date, now: Date, limit: number): Promise<RetentionReport> {
      return handle.db.transaction(async (tx) => {
        await handle.rows(sql`SELECT set_config('minhu.retention', 'on', true)`, tx);
        const [row] = await handle.rows<RetentionReport>(
          sql`
          WITH d AS (
            SELECT t.id FROM tickets t WHERE ${due(before)} ORDER BY t.id LIMIT ${limit} FOR UPDATE SKIP LOCKED
          ), t AS (
            UPDATE tickets x SET description = ${ANONYMISED_TEXT}, contact_name = NULL, contact_phone = NULL,
              beneficiary_phone = NULL, rating_comment = NULL, attachments = '{}'::uuid[],
              handoff_reason = NULL, return_reason = NULL, extension_reason = NULL,
              anonymised_at = ${now.toISOString()}::timestamptz, version = x.version + 1
            FROM d WHERE x.id = d.id RETURNING x.id
          ), i AS (
            DELETE FROM ticket_items i USING d WHERE i.ticket_id = d.id RETURNING 1
          ), u AS (
            DELETE FROM uploads u USING d WHERE u.ticket_id = d.id RETURNING 1
          ), e AS (
            UPDATE ticket_events e SET data = (e.data - 'text' - 'reason' - 'comment' - 'attachments') || '{"anonymised": true}'::jsonb
            FROM d WHERE e.ticket_id = d.id AND e.data ?| array['text', 'reason', 'comment', 'attachments'] RETURNING 1
          ), n AS (
            UPDATE notifications n SET body = ${ANONYMISED_TEXT} FROM d WHERE n.ticket_id = d.id RETURNING 1
          )
          SELECT (SELECT count(*)::int FROM t) AS tickets, (SELECT count(*)::int FROM i) AS items,
            (SELECT count(*)::int FROM u) AS attachments, (SELECT count(*)::int FROM e) AS events,
            (SELECT count(*)::int FROM n) AS notifications`,
          tx,
        );
        return row!;
      });
    },
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
