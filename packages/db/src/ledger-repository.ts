import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { OPEN_STATUSES, type Category, type TicketStatus, type Urgency } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { metricsWindowCondition, type MetricsWindow } from './metrics-repository.js';
import { teams, tickets, users } from './schema.js';
import { statusIn } from './status-sql.js';

/** One line of the ledger (台账): a ticket filed in the window, with its team and assignee by name. */
export interface LedgerRow {
  id: string;
  number: string;
  category: Category;
  urgency: Urgency;
  status: TicketStatus;
  address: string;
  teamName: string | null;
  assigneeName: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /**
   * It missed a time limit: claimed after its response due time, resolved after its resolve due
   * time, or still open and past the deadline that matters now (what the ticket's `overdue` says).
   */
  overdue: boolean;
  ratingStars: number | null;
  ratingSatisfied: boolean | null;
  /** The last 延期 granted: the resolve due time it set, and why (null when never extended). */
  extendedUntil: string | null;
  extensionReason: string | null;
  /** How the rating was given (回访方式): in the app, or by phone or visit on their behalf; null unrated. */
  confirmMethod: 'app' | 'phone' | 'visit' | null;
}

/** The last row read: the ledger is read in (createdAt, id) order. */
export interface LedgerCursor {
  createdAt: Date;
  id: string;
}

/** One keyset query: rows after `after` (or filed at or after `since`) and before `until`. */
export interface LedgerPage {
  after?: LedgerCursor;
  since?: Date;
  until?: Date;
  limit: number;
}

const assignee = alias(users, 'ledger_assignee');

/**
 * The last granted extension's data. Only a ticket whose resolve due time is not the one it was
 * filed with (extended, or reopened) looks into its timeline, by the events' (ticket_id, id) index.
 */
const extension = sql`(CASE WHEN tickets.resolve_due_at <> tickets.created_at + tickets.resolve_limit_seconds * interval '1 second' THEN (
    SELECT e.data FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.type = 'extended' ORDER BY e.id DESC LIMIT 1) END)`;
/** Only a rated ticket looks for its last confirmation; one without a method was given in the app. */
const confirmMethod = sql<'app' | 'phone' | 'visit' | null>`(CASE WHEN tickets.rating_stars IS NOT NULL THEN coalesce((
    SELECT e.data->>'method' FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.type = 'confirmed' ORDER BY e.id DESC LIMIT 1), 'app') END)`;
const MIN_SPAN_MS = 1;
/** A slice aims at this many batches' worth of rows, and grows at most this fast when sparse. */
const HEADROOM = 1.25;
const MAX_GROWTH = 4;

/**
 * The ledger export's queries. The tickets are exactly those of the metrics window (scope, team,
 * filed in [from, to)), read in keyset batches by (created_at, id): an export of any size holds
 * one batch at a time and keeps no transaction or cursor open between batches (on PGlite an open
 * one would stall every other request for the whole download).
 */
export function createLedgerRepository(handle: DbHandle) {
  const { db } = handle;

  async function page(w: MetricsWindow, p: LedgerPage, executor: Executor = db): Promise<LedgerRow[]> {
    const now = sql`${w.now.toISOString()}::timestamptz`;
    const conditions: SQL[] = [metricsWindowCondition(w)];
    // A row comparison, which the planner matches against a (created_at, id) index.
    if (p.after) conditions.push(sql`(tickets.created_at, tickets.id) > (${p.after.createdAt.toISOString()}::timestamptz, ${p.after.id}::uuid)`);
    if (p.since) conditions.push(sql`tickets.created_at >= ${p.since.toISOString()}::timestamptz`);
    if (p.until) conditions.push(sql`tickets.created_at < ${p.until.toISOString()}::timestamptz`);
    return executor
      .select({
        id: tickets.id,
        number: tickets.number,
        category: tickets.category,
        urgency: tickets.urgency,
        status: tickets.status,
        address: tickets.address,
        teamName: teams.name,
        assigneeName: assignee.name,
        createdAt: tickets.createdAt,
        claimedAt: tickets.claimedAt,
        resolvedAt: tickets.resolvedAt,
        closedAt: tickets.closedAt,
        overdue: sql<boolean>`(coalesce(tickets.claimed_at > tickets.response_due_at, false)
          OR coalesce(tickets.resolved_at > tickets.resolve_due_at, false)
          OR (${statusIn('tickets.status', OPEN_STATUSES)} AND coalesce(tickets.due_at < ${now}, false)))`,
        ratingStars: tickets.ratingStars,
        ratingSatisfied: tickets.ratingSatisfied,
        extendedUntil: sql<string | null>`${extension}->>'until'`,
        extensionReason: sql<string | null>`${extension}->>'reason'`,
        confirmMethod,
      })
      .from(tickets)
      .leftJoin(teams, eq(teams.id, tickets.teamId))
      .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
      .where(sql.join(conditions, sql` AND `))
      .orderBy(asc(tickets.createdAt), asc(tickets.id))
      .limit(p.limit);
  }

  return {
    /** How many tickets the window holds, counting no further than `cap` (enough to refuse). */
    async countUpTo(w: MetricsWindow, cap: number, executor: Executor = db): Promise<number> {
      const [row] = await handle.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM tickets WHERE ${metricsWindowCondition(w)} LIMIT ${cap}) AS capped`,
        executor,
      );
      return Number(row?.n ?? 0);
    },

    page,

    /**
     * The whole window, batch after batch, in (createdAt, id) order. Each query is also bounded
     * above by a slice of filing time sized to hold a little more than one batch (first from the
     * expected count, then from the density the last query met). Whatever plan the database
     * picks — an index in filing order, or a scope's (compound|team, created_at) index and a sort
     * — a query reads about one batch's rows, so an export costs in proportion to its size rather
     * than its square (an unbounded keyset query re-reads everything after the cursor to sort it).
     */
    async *batches(w: MetricsWindow, options: { batchSize: number; expectedRows: number }): AsyncGenerator<LedgerRow[]> {
      const { batchSize } = options;
      const whole = w.to.getTime() - w.from.getTime();
      const fit = (ms: number) => Math.min(whole, Math.max(MIN_SPAN_MS, Math.ceil(ms)));
      let span = fit((whole * batchSize * HEADROOM) / Math.max(options.expectedRows, 1));
      let lower: { after: LedgerCursor } | { since: Date } = { since: w.from };
      for (;;) {
        const start: number = 'after' in lower ? lower.after.createdAt.getTime() : lower.since.getTime();
        const until: Date = new Date(Math.min(w.to.getTime(), start + span));
        const rows: LedgerRow[] = await page(w, { ...lower, until, limit: batchSize });
        if (rows.length > 0) yield rows;
        if (rows.length === batchSize) {
          // Full: the slice may hold more. The batch took this long a stretch of filing time.
          const last = rows[rows.length - 1]!;
          lower = { after: { createdAt: last.createdAt, id: last.id } };
          span = fit((last.createdAt.getTime() - start) * HEADROOM);
        } else {
          if (until.getTime() >= w.to.getTime()) return;
          lower = { since: until };
          span = fit(span * Math.min(MAX_GROWTH, rows.length === 0 ? MAX_GROWTH : (batchSize * HEADROOM) / rows.length));
        }
      }
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
