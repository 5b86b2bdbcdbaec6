import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Audience, NotifyBy } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { notifications, users } from './schema.js';

export interface AudienceTicket {
  teamId: string | null;
  assigneeId: string | null;
  filedById: string;
  beneficiaryUserId: string | null;
  /** The account asked to accept the ticket as theirs (audience `invited`). */
  beneficiaryInvitedId?: string | null;
  areaPath: string;
  /** People following it (their tickets were merged into it): residents too. */
  followers?: readonly string[];
  /** The team a pending hand-off is offered to (audience `handoff_team`). */
  handoffToTeamId?: string | null;
}

export interface NewNotification {
  userId: string;
  type: string;
  ticketId: string | null;
  title: string;
  body: string;
  createdAt: Date;
}

/** Who a notification goes to, as far as channels beyond the inbox care. */
export interface Recipient {
  openid: string | null;
  phone: string | null;
  notifyBy: NotifyBy | null;
}

export type NotificationRow = typeof notifications.$inferSelect;

/** Notifications with their ids, and the deliveries beyond the inbox they need: ready to write. */
export interface PlannedNotifications {
  notifications: (NewNotification & { id: string })[];
  deliveries: { id: string; notificationId: string; channel: string; nextAttemptAt: Date }[];
}

/** Gives each notification its id and a pending delivery for each channel it goes out on. */
export function planNotifications(rows: readonly NewNotification[], channelsFor: (row: NewNotification) => string[]): PlannedNotifications {
  const withIds = rows.map((r) => ({ ...r, id: newId(r.createdAt.getTime()) }));
  return {
    notifications: withIds,
    deliveries: withIds.flatMap((r) => channelsFor(r).map((channel) => ({ id: newId(), notificationId: r.id, channel, nextAttemptAt: r.createdAt }))),
  };
}

/** The planned rows as JSON parameters for `jsonb_populate_recordset` (one statement text for any number). */
export function notificationsJson(planned: PlannedNotifications) {
  return {
    notifications: JSON.stringify(
      planned.notifications.map((r) => ({ id: r.id, user_id: r.userId, type: r.type, ticket_id: r.ticketId, title: r.title, body: r.body, created_at: r.createdAt })),
    ),
    deliveries: JSON.stringify(
      planned.deliveries.map((d) => ({ id: d.id, notification_id: d.notificationId, channel: d.channel, next_attempt_at: d.nextAttemptAt })),
    ),
  };
}

export function createNotificationsRepository(handle: DbHandle) {
  const { db } = handle;

  return {
    /**
     * The people each audience means for each ticket, active ones only, in one round trip for any
     * number of tickets (the sweep's batch): the members of their teams and the secretaries of the
     * areas above them are read once for all, then shared out.
     */
    async audiencesOf(
      requests: readonly { ticket: AudienceTicket; wanted: readonly Audience[] }[],
      executor: Executor = db,
    ): Promise<Map<Audience, string[]>[]> {
      const chainOf = (t: AudienceTicket) => t.areaPath.split('/').filter(Boolean);
      // Teams whose whole membership is wanted, and teams of which only the leaders are (an
      // escalation's first level: the sweep's batches read a fifth of the rows).
      const wholeTeams = new Set<string>();
      const leaderTeams = new Set<string>();
      const areaIds = new Set<string>();
      for (const { ticket, wanted } of requests) {
        if (ticket.teamId && wanted.includes('team')) wholeTeams.add(ticket.teamId);
        else if (ticket.teamId && wanted.includes('leaders')) leaderTeams.add(ticket.teamId);
        if (ticket.handoffToTeamId && wanted.includes('handoff_team')) wholeTeams.add(ticket.handoffToTeamId);
        if (wanted.some((a) => a === 'area_secretaries' || a === 'subdistrict_secretaries')) chainOf(ticket).forEach((id) => areaIds.add(id));
      }
      for (const id of wholeTeams) leaderTeams.delete(id);
      const parts: SQL[] = [];
      for (const [teamIds, onlyLeaders] of [[wholeTeams, false], [leaderTeams, true]] as const) {
        if (teamIds.size === 0) continue;
        // Each member's account by primary key (LIMIT 1 keeps the lookup per row): for a batch of
        // teams the planner otherwise hashes all users, 35 ms at 200,000 of them.
        parts.push(sql`SELECT m.team_id AS key, m.role::text AS kind, m.user_id FROM team_members m
          CROSS JOIN LATERAL (SELECT 1 FROM users u WHERE u.id = m.user_id AND u.active LIMIT 1) u
          WHERE m.team_id = ANY(string_to_array(${[...teamIds].join(',')}::text, ',')::uuid[]) AND m.active${onlyLeaders ? sql` AND m.role = 'leader'` : sql``}`);
      }
      if (areaIds.size > 0) {
        parts.push(sql`SELECT DISTINCT r.area_id AS key, a.kind::text AS kind, r.user_id FROM area_roles r JOIN areas a ON a.id = r.area_id JOIN users u ON u.id = r.user_id
          WHERE r.role = 'secretary' AND u.active AND a.kind IN ('compound', 'community', 'village', 'subdistrict')
            AND r.area_id = ANY(string_to_array(${[...areaIds].join(',')}::text, ',')::uuid[])`);
      }
      const byKey = new Map<string, { kind: string; userId: string }[]>();
      if (parts.length > 0) {
        for (const row of await handle.rows<{ key: string; kind: string; user_id: string }>(sql.join(parts, sql` UNION ALL `), executor)) {
          byKey.set(row.key, [...(byKey.get(row.key) ?? []), { kind: row.kind, userId: row.user_id }]);
        }
      }
      return requests.map(({ ticket, wanted }) => {
        const found = new Map<Audience, string[]>();
        const members = ticket.teamId ? (byKey.get(ticket.teamId) ?? []) : [];
        const secretaries = (kinds: string[]) =>
          [...new Set(chainOf(ticket).flatMap((id) => (byKey.get(id) ?? []).filter((s) => kinds.includes(s.kind)).map((s) => s.userId)))];
        for (const audience of wanted) {
          switch (audience) {
            case 'residents':
              found.set(audience, [ticket.filedById, ...(ticket.beneficiaryUserId ? [ticket.beneficiaryUserId] : []), ...(ticket.followers ?? [])]);
              break;
            case 'invited':
              found.set(audience, ticket.beneficiaryInvitedId ? [ticket.beneficiaryInvitedId] : []);
              break;
            case 'assignee':
              found.set(audience, ticket.assigneeId ? [ticket.assigneeId] : []);
              break;
            case 'team':
              found.set(audience, members.map((m) => m.userId));
              break;
            case 'handoff_team':
              found.set(audience, ticket.handoffToTeamId ? (byKey.get(ticket.handoffToTeamId) ?? []).map((m) => m.userId) : []);
              break;
            case 'leaders':
              found.set(audience, members.filter((m) => m.kind === 'leader').map((m) => m.userId));
              break;
            case 'area_secretaries':
              found.set(audience, secretaries(['compound', 'community', 'village']));
              break;
            case 'subdistrict_secretaries':
              found.set(audience, secretaries(['subdistrict']));
              break;
          }
        }
        return found;
      });
    },

    /**
     * How each person can be reached beyond the inbox: their WeChat openid (subscribe messages),
     * their phone and how they asked to hear (notifyBy: a text message), and whether they use the app.
     */
    async recipients(userIds: readonly string[], executor: Executor = db): Promise<Map<string, Recipient>> {
      if (userIds.length === 0) return new Map();
      const rows = await executor
        .select({ id: users.id, openid: users.wechatOpenid, phone: users.phone, notifyBy: users.notifyBy })
        .from(users)
        .where(inArray(users.id, [...userIds]));
      return new Map(rows.map((r) => [r.id, { openid: r.openid, phone: r.phone, notifyBy: r.notifyBy }]));
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
