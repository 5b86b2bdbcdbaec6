import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Category } from '@minhu/domain';
import type { DbHandle } from './create-db.js';
import { notificationDeliveries as d, notifications, tickets, users } from './schema.js';

const assignee = alias(users, 'assignee');

/** A delivery this process has claimed, with what it takes to send it. */
export interface ClaimedDelivery {
  id: string;
  /** Counting this one; recording the outcome checks it, so a stale claim cannot overwrite. */
  attempt: number;
  type: string;
  title: string;
  body: string;
  createdAt: Date;
  ticketId: string | null;
  ticketNumber: string | null;
  openid: string | null;
  /** The recipient's phone (a text message goes there). */
  phone: string | null;
  category: Category | null;
  /** Who has the ticket now (a text message names them). */
  assigneeName: string | null;
}

/** The outbox of channels beyond the inbox (see notification_deliveries in the schema). */
export function createDeliveriesRepository(handle: DbHandle) {
  const { db } = handle;
  /** Only the claim that made this attempt may record it, and only while it is pending. */
  const mine = (id: string, attempt: number) => and(eq(d.id, id), eq(d.attempts, attempt), eq(d.status, 'pending'));

  return {
    /**
     * Claims up to `limit` due pending deliveries of a channel in one statement: locks them with
     * SKIP LOCKED (a concurrent claimer takes others), counts the attempt and moves
     * next_attempt_at to `leaseUntil`, so nobody else picks them up while they are being sent, and
     * a claimer that dies leaves them to be picked up again once the lease runs out.
     */
    async claimDue(channel: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      const due = db
        .select({ id: d.id })
        .from(d)
        .where(and(eq(d.status, 'pending'), eq(d.channel, channel), lte(d.nextAttemptAt, now)))
        .orderBy(asc(d.nextAttemptAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const claimed = await db
        .update(d)
        .set({ attempts: sql`${d.attempts} + 1`, nextAttemptAt: leaseUntil })
        .where(inArray(d.id, due))
        .returning({ id: d.id, attempt: d.attempts, notificationId: d.notificationId });
      if (claimed.length === 0) return [];
      const details = await db
        .select({
          id: notifications.id,
          type: notifications.type,
          title: notifications.title,
          body: notifications.body,
          createdAt: notifications.createdAt,
          ticketId: notifications.ticketId,
          ticketNumber: tickets.number,
          openid: users.wechatOpenid,
          phone: users.phone,
          category: tickets.category,
          assigneeName: assignee.name,
        })
        .from(notifications)
        .innerJoin(users, eq(users.id, notifications.userId))
        .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
        .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
        .where(inArray(notifications.id, claimed.map((c) => c.notificationId)));
      const byId = new Map(details.map(({ id, ...rest }) => [id, rest]));
      return claimed.map((c) => ({ id: c.id, attempt: c.attempt, ...byId.get(c.notificationId)! }));
    },

    /** The latest deliveries (by the outbox's own order: created_at, newest first), optionally of one status and channel. */
    async recent(filter: { status?: string | undefined; channel?: string | undefined; limit: number }) {
      return db
        .select({
          id: d.id,
          channel: d.channel,
          status: d.status,
          attempts: d.attempts,
          lastError: d.lastError,
          nextAttemptAt: d.nextAttemptAt,
          sentAt: d.sentAt,
          createdAt: d.createdAt,
          type: notifications.type,
          ticketId: notifications.ticketId,
          ticketNumber: tickets.number,
          recipientName: users.name,
        })
        .from(d)
        .innerJoin(notifications, eq(notifications.id, d.notificationId))
        .innerJoin(users, eq(users.id, notifications.userId))
        .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
        .where(and(filter.status ? eq(d.status, filter.status) : undefined, filter.channel ? eq(d.channel, filter.channel) : undefined))
        .orderBy(desc(d.createdAt), desc(d.id))
        .limit(filter.limit);
    },

    async markSent(id: string, attempt: number, now: Date) {
      await db.update(d).set({ status: 'sent', sentAt: now, lastError: null }).where(mine(id, attempt));
    },

    async markRetry(id: string, attempt: number, at: Date, error: string) {
      await db.update(d).set({ nextAttemptAt: at, lastError: error }).where(mine(id, attempt));
    },

    async markFailed(id: string, attempt: number, error: string) {
      await db.update(d).set({ status: 'failed', lastError: error }).where(mine(id, attempt));
    },
  };
}

export type DeliveriesRepository = ReturnType<typeof createDeliveriesRepository>;
