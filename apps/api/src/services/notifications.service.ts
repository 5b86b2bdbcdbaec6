import type { DeliveriesQuery, DeliveryList, Notification } from '@minhu/contracts';
import type { DeliveriesRepository, NotificationRow, NotificationsRepository } from '@minhu/db';
import { forbidden } from '../errors.js';
import { decodeCursor, encodeCursor, isDate, UUID } from './cursor.js';
import type { Viewer } from './viewer.js';

const view = (n: NotificationRow): Notification => ({
  id: n.id,
  type: n.type as Notification['type'],
  ticketId: n.ticketId,
  title: n.title,
  body: n.body,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

/** The person's inbox: newest first, and marking read. */
export function createNotificationsService(deps: { notifications: NotificationsRepository; deliveries: Pick<DeliveriesRepository, 'recent'> }) {
  const { notifications, deliveries } = deps;
  return {
    /** What went out beyond the inbox, newest first, for admins: the failures and why (SMS, WeChat). */
    async deliveries(viewer: Viewer, query: DeliveriesQuery): Promise<DeliveryList> {
      if (!viewer.isAdmin) throw forbidden('只有管理员可以查看消息发送记录。');
      const rows = await deliveries.recent({ status: query.status, channel: query.channel, limit: query.limit ?? 50 });
      return {
        items: rows.map((r) => ({
          ...r,
          type: r.type as Notification['type'],
          nextAttemptAt: r.nextAttemptAt.toISOString(),
          sentAt: r.sentAt?.toISOString() ?? null,
          createdAt: r.createdAt.toISOString(),
        })),
      };
    },

    async inbox(viewer: Viewer, query: { limit?: number; cursor?: string; unread?: boolean }) {
      const limit = query.limit ?? 20;
      const after = query.cursor ? decode(query.cursor) : undefined;
      const rows = await notifications.inbox(viewer.id, limit + 1, after, query.unread ?? false);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(view),
        nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
        unreadCount: await notifications.unreadCount(viewer.id),
      };
    },

    async markRead(viewer: Viewer, ids: string[] | null, now: Date) {
      return { updated: await notifications.markRead(viewer.id, ids, now) };
    },
  };
}

const decode = (cursor: string) =>
  decodeCursor(cursor, ([at, id]) => (isDate(at) && typeof id === 'string' && UUID.test(id) ? { createdAt: new Date(at), id } : null));

export type NotificationsService = ReturnType<typeof createNotificationsService>;
