import type { NotificationType } from '@minhu/domain';
import type { ClaimedDelivery, DeliveriesRepository } from '@minhu/db';
import { templateData, type MessageField, type SendResult, type WechatSubscribe } from './wechat-subscribe.js';

/** Claimed and sent together; small, so a batch's sends finish well inside the lease. */
const BATCH = 10;
/** After this many attempts a delivery that keeps failing is given up ('failed'). */
export const MAX_ATTEMPTS = 8;

/**
 * How long to wait after a failed attempt (1-based): 30 s, 1, 2, 4, 8, 16, 30 min, so WeChat
 * gets about an hour to recover before the eighth and last attempt.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** (attempt - 1), 30 * 60_000);
}

/**
 * Sends the WeChat outbox: pending notification_deliveries rows written with the notifications.
 *
 * Transactions: a delivery is claimed in one short statement (SKIP LOCKED, attempts + 1,
 * next_attempt_at moved to the end of a lease), then sent with no transaction or row lock open,
 * then its outcome is written if the row still carries our attempt number. Holding a row lock
 * across the HTTP call would pin a connection per batch for as long as WeChat takes; the lease
 * gives the same guarantee without that: while it runs no other process sees the row as due, so
 * no message goes out twice. The lease outlasts the slowest possible send (each HTTP call is cut
 * off at WECHAT_TIMEOUT_MS), so it only runs out when a process dies mid-send; then the row is
 * picked up again after the lease. That, and a timeout on a send WeChat did receive, are the only
 * ways a message can go out twice: WeChat's API has no idempotency key.
 */
export function createDispatcherService(deps: {
  deliveries: DeliveriesRepository;
  wechat: WechatSubscribe;
  /** Template id per notification type (WECHAT_SUBSCRIBE_TEMPLATES). */
  templates: Partial<Record<NotificationType, string>>;
  /** Template field key → our field (WECHAT_SUBSCRIBE_FIELDS). */
  fields: Readonly<Record<string, MessageField>>;
  /** The ticket page a message opens, e.g. pages/ticket/index. */
  page: string;
  /** WeChat's timeout per HTTP call: a send is at most four of them (token, send, token, send). */
  timeoutMs: number;
}) {
  const { deliveries, wechat, templates, fields, page } = deps;
  const leaseMs = 60_000 + 4 * deps.timeoutMs;

  async function attempt(delivery: ClaimedDelivery, now: Date): Promise<SendResult> {
    const templateId = templates[delivery.type as NotificationType];
    if (!templateId) return { ok: false, retry: false, error: `no template for ${delivery.type}` };
    if (!delivery.openid) return { ok: false, retry: false, error: 'recipient has no WeChat openid' };
    return wechat.send(
      {
        touser: delivery.openid,
        templateId,
        page: delivery.ticketId ? `${page}?id=${delivery.ticketId}` : undefined,
        data: templateData(fields, { title: delivery.title, body: delivery.body, number: delivery.ticketNumber, time: delivery.createdAt }),
      },
      now,
    );
  }

  return {
    /** Sends every delivery due at `now`; safe to run on several processes at once. */
    async run(now: Date): Promise<{ sent: number; retried: number; failed: number }> {
      const totals = { sent: 0, retried: 0, failed: 0 };
      const started = performance.now();
      for (;;) {
        // The lease counts from when the batch is claimed, however long the run has taken so far.
        const leaseUntil = new Date(now.getTime() + (performance.now() - started) + leaseMs);
        const batch = await deliveries.claimDue('wechat', now, leaseUntil, BATCH);
        await Promise.all(
          batch.map(async (delivery) => {
            const result = await attempt(delivery, now);
            if (result.ok) {
              totals.sent++;
              await deliveries.markSent(delivery.id, delivery.attempt, now);
            } else if (result.retry && delivery.attempt < MAX_ATTEMPTS) {
              totals.retried++;
              await deliveries.markRetry(delivery.id, delivery.attempt, new Date(now.getTime() + retryDelayMs(delivery.attempt)), result.error);
            } else {
              totals.failed++;
              await deliveries.markFailed(delivery.id, delivery.attempt, result.error);
            }
          }),
        );
        if (batch.length < BATCH) return totals;
      }
    },
  };
}

export type DispatcherService = ReturnType<typeof createDispatcherService>;
