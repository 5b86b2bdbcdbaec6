import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
const COUNTER_COMPACTION_INTERVAL_MS = 60_000;

/**
 * The overdue sweep (and the end of secondments whose time has come) every SLA_SWEEP_INTERVAL_MS and, when WeChat sending is configured (app id,
 * secret and at least one template), the WeChat outbox every NOTIFY_DISPATCH_INTERVAL_MS (and the
 * SMS outbox as often, when SMS_PROVIDER is set), on
 * every process: each makes sure every ticket or message is handled once. A run never overlaps
 * the previous one of the same job on the same process.
 */
export function startBackgroundWork(app: FastifyInstance, config: Config) {
  const { appId, appSecret, subscribeTemplates } = config.wechat;
  const sendsWechat = Boolean(appId && appSecret && Object.keys(subscribeTemplates).length > 0);
  repeat(app, config.slaSweepIntervalMs, 'overdue sweep', () => app.services.sweep.run(app.clock()));
  // Secondments (借调) end by themselves when their time comes, on the sweep's beat.
  repeat(app, config.slaSweepIntervalMs, 'secondments', () => app.services.secondments.endDue(app.clock()));
  // Housekeeping: rate-limit counters whose window has ended (plugins/rate-limit.ts), and photos
  // uploaded a day ago and never attached.
  repeat(app, HOUSEKEEPING_INTERVAL_MS, 'housekeeping', async () => ({
    counters: await app.services.rateCounters.removeExpired(app.clock()),
    uploads: await app.services.uploads.removeUnattached(app.clock()),
  }));
  // 保存期限: finished tickets past RETENTION_DAYS anonymised, in batches (each ticket once, any number of processes).
  if (config.retentionDays !== null) repeat(app, HOUSEKEEPING_INTERVAL_MS, 'retention', () => app.services.retention.run(app.clock()));
  // The member counters' delta rows folded into one a key, so that reading one stays a few rows.
  repeat(app, COUNTER_COMPACTION_INTERVAL_MS, 'counter compaction', () => app.services.tickets.compactCounters());
  if (sendsWechat) repeat(app, config.notifyDispatchIntervalMs, 'wechat dispatch', () => app.services.dispatcher.run(app.clock()));
  const sms = app.services.smsDispatcher;
  if (sms) repeat(app, config.notifyDispatchIntervalMs, 'sms dispatch', () => sms.run(app.clock()));
}

/** Runs a job every intervalMs; its counts are logged when any is non-zero. */
function repeat(app: FastifyInstance, intervalMs: number, name: string, run: () => Promise<Record<string, number>>) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = run()
      .then((result) => {
        if (Object.values(result).some((n) => n > 0)) app.log.info(result, name);
      })
      .catch((error: unknown) => app.log.error({ err: error }, `${name} failed`))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
