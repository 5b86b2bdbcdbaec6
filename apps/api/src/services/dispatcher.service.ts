import type { NotificationType } from '@minhu/domain';
import type { ClaimedDelivery, DeliveriesRepository } from '@minhu/db';
import type { SmsConfig } from '../config.js';
import type { RateCounters } from './rate-counters.js';
import type { SmsClient } from './sms-client.js';
import { isSmsType, smsParams } from './sms-templates.js';
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

/** Sends one claimed delivery; never throws (a failure is a result saying whether to retry). */
export type ChannelSend = (delivery: ClaimedDelivery, now: Date) => Promise<SendResult>;

/**
 * Sends one channel's outbox: pending notification_deliveries rows written with the notifications.
 *
 * Transactions: a delivery is claimed in one short statement (SKIP LOCKED, attempts + 1,
 * next_attempt_at moved to the end of a lease), then sent with no transaction or row lock open,
 * then its outcome is written if the row still carries our attempt number. Holding a row lock
 * across the HTTP call would pin a connection per batch for as long as the provider takes; the
 * lease gives the same guarantee without that: while it runs no other process sees the row as due,
 * so no message goes out twice. The lease outlasts the slowest possible send (each HTTP call is cut
 * off at its timeout), so it only runs out when a process dies mid-send; then the row is picked up
 * again after the lease. That, and a timeout on a send the provider did receive, are the only ways
 * a message can go out twice: neither WeChat's API nor the SMS provider's has an idempotency key.
 */
export function createOutboxSender(deps: {
  deliveries: DeliveriesRepository;
  channel: 'wechat' | 'sms';
  send: ChannelSend;
  /** The longest one send can take (all its HTTP calls, each cut off at its timeout). */
  sendTimeoutMs: number;
}) {
  const { deliveries, channel, send } = deps;
  const leaseMs = 60_000 + deps.sendTimeoutMs;
  return {
    /** Sends every delivery due at `now`; safe to run on several processes at once. */
    async run(now: Date): Promise<{ sent: number; retried: number; failed: number }> {
      const totals = { sent: 0, retried: 0, failed: 0 };
      const started = performance.now();
      for (;;) {
        // The lease counts from when the batch is claimed, however long the run has taken so far.
        const leaseUntil = new Date(now.getTime() + (performance.now() - started) + leaseMs);
        const batch = await deliveries.claimDue(channel, now, leaseUntil, BATCH);
        await Promise.all(
          batch.map(async (delivery) => {
            const result = await send(delivery, now);
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

export type OutboxSender = ReturnType<typeof createOutboxSender>;

/** The WeChat subscribe-message outbox. */
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
  const { wechat, templates, fields, page } = deps;
  return createOutboxSender({
    deliveries: deps.deliveries,
    channel: 'wechat',
    sendTimeoutMs: 4 * deps.timeoutMs,
    async send(delivery, now) {
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
    },
  });
}

export type DispatcherService = OutboxSender;

/**
 * The SMS outbox: each message from its approved template, to the recipient's phone, at most
 * `dailyLimitPerPhone` messages to one number in 24 hours across processes (counted in the
 * counters every process shares; a message past the limit is given up, on record as failed).
 */
export function createSmsDispatcherService(deps: {
  deliveries: DeliveriesRepository;
  sms: SmsClient;
  config: Pick<SmsConfig, 'templates' | 'timeoutMs' | 'dailyLimitPerPhone'>;
  counters: Pick<RateCounters, 'hit' | 'release'>;
}) {
  const { sms, config, counters } = deps;
  return createOutboxSender({
    deliveries: deps.deliveries,
    channel: 'sms',
    sendTimeoutMs: deps.config.timeoutMs,
    async send(delivery, now) {
      const type = delivery.type;
      const templateId = isSmsType(type) ? config.templates[type] : undefined;
      if (!isSmsType(type) || !templateId) return { ok: false, retry: false, error: `no SMS template for ${type}` };
      if (!delivery.phone) return { ok: false, retry: false, error: 'recipient has no phone number' };
      // Counted before the call, so two processes cannot both send the last one allowed; given back
      // when the provider answers that it did not send it (a timeout stays counted: it may have).
      const key = `sms:${delivery.phone}`;
      const { count } = await counters.hit(key, DAY_MS, now);
      if (count > config.dailyLimitPerPhone) {
        await counters.release(key, now);
        return { ok: false, retry: false, error: `daily limit of ${config.dailyLimitPerPhone} messages to this number reached` };
      }
      const params = smsParams(type, { category: delivery.category, assigneeName: delivery.assigneeName, ticketNumber: delivery.ticketNumber });
      const result = await sms.send({ phone: delivery.phone, templateId, params, sessionContext: delivery.id });
      if (!result.ok && result.refused) await counters.release(key, now);
      return result;
    },
  });
}

const DAY_MS = 24 * 3600_000;
