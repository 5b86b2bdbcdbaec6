import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Audience } from '@minhu/domain';
import type { DbHandle, Executor, Tx } from './create-db.js';
import { newId } from './ids.js';
import { notificationDeliveries, notifications, users } from './schema.js';

export interface AudienceTicket {
  teamId: string | null;
  assigneeId: string | null;
  filedById: string;
  beneficiaryUserId: string | null;
  areaPath: string;
}

export interface NewNotification {
  userId: string;
  type: string;
  ticketId: string | null;
  title: string;
  body: string;
  createdAt: Date;
}

export type NotificationRow = typeof notifications.$inferSelect;

export function createNotificationsRepository(handle: DbHandle) {
  const { db } = handle;

  return {
    /** The people each audience means for this ticket, active ones only, in one round trip. */
    async audiences(ticket: AudienceTicket, wanted: readonly Audience[], executor: Executor = db): Promise<Map<Audience, string[]>> {
      const found = new Map<Audience, string[]>(wanted.map((a) => [a, []]));
      const parts: SQL[] = [];
      for (const audience of new Set(wanted)) {
        switch (audience) {
          case 'residents':
            found.set(audience, [ticket.filedById, ...(ticket.beneficiaryUserId ? [ticket.beneficiaryUserId] : [])]);
            break;
          case 'assignee':
            found.set(audience, ticket.assigneeId ? [ticket.assigneeId] : []);
            break;
          case 'team':
          case 'leaders':
            if (ticket.teamId) {
              parts.push(sql`SELECT ${audience}::text AS audience, m.user_id FROM team_members m JOIN users u ON u.id = m.user_id
                WHERE m.team_id = ${ticket.teamId} AND m.active AND u.active ${audience === 'leaders' ? sql`AND m.role = 'leader'` : sql``}`);
            }
            break;
          case 'area_secretaries':
          case 'subdistrict_secretaries': {
            const kinds = audience === 'area_secretaries' ? sql`('compound', 'community', 'village')` : sql`('subdistrict')`;
            parts.push(sql`SELECT DISTINCT ${audience}::text AS audience, r.user_id FROM area_roles r JOIN areas a ON a.id = r.area_id JOIN users u ON u.id = r.user_id
              WHERE r.role = 'secretary' AND u.active AND a.kind IN ${kinds}
                AND a.id = ANY(string_to_array(trim(both '/' from ${ticket.areaPath}::text), '/')::uuid[])`);
            break;
          }
        }
      }
      if (parts.length > 0) {
        for (const row of await handle.rows<{ audience: Audience; user_id: string }>(sql.join(parts, sql` UNION ALL `), executor)) {
          found.get(row.audience)!.push(row.user_id);
        }
      }
      return found;
    },

    /** Openids of the people who can get a WeChat subscribe message. */
    async openids(userIds: readonly string[], executor: Executor = db): Promise<Map<string, string>> {
      if (userIds.length === 0) return new Map();
      const rows = await executor
        .select({ id: users.id, openid: users.wechatOpenid })
        .from(users)
        .where(inArray(users.id, [...userIds]));
      return new Map(rows.flatMap((r) => (r.openid ? [[r.id, r.openid] as const] : [])));
    },

    /** Writes notifications, and a pending delivery for each (notification, channel) asked for. */
    async insert(tx: Tx, rows: readonly NewNotification[], channelsFor: (row: NewNotification) => string[]) {
      if (rows.length === 0) return;
      const withIds = rows.map((r) => ({ ...r, id: newId(r.createdAt.getTime()) }));
      await tx.insert(notifications).values(withIds);
      const deliveries = withIds.flatMap((r) =>
        channelsFor(r).map((channel) => ({ id: newId(), notificationId: r.id, channel, nextAttemptAt: r.createdAt })),
      );
      if (deliveries.length > 0) await tx.insert(notificationDeliveries).values(deliveries);
    },

    /** Newest first, with a keyset cursor on (created_at, id). */
    async inbox(userId: string, limit: number, after?: { createdAt: Date; id: string }, unreadOnly = false, executor: Executor = db) {
      return executor
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            unreadOnly ? isNull(notifications.readAt) : undefined,
            after
              ? or(lt(notifications.createdAt, after.createdAt), and(eq(notifications.createdAt, after.createdAt), lt(notifications.id, after.id)))
              : undefined,
          ),
        )
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit);
    },

    async unreadCount(userId: string, executor: Executor = db): Promise<number> {
      const [row] = await handle.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} AND read_at IS NULL`,
        executor,
      );
      return row!.n;
    },

    /** Marks the person's own notifications read (all of them when no ids are given). */
    async markRead(userId: string, ids: readonly string[] | null, now: Date, executor: Executor = db): Promise<number> {
      const rows = await executor
        .update(notifications)
        .set({ readAt: now })
        .where(
          and(
            eq(notifications.userId, userId),
            isNull(notifications.readAt),
            ids === null ? undefined : inArray(notifications.id, [...ids]),
          ),
        )
        .returning({ id: notifications.id });
      return rows.length;
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
