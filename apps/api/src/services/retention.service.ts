import type { RetentionReport, RetentionRepository } from '@minhu/db';

const DAY_MS = 24 * 3600_000;

/**
 * 保存期限 (RETENTION_DAYS, off by default): finished tickets older than that are anonymised in
 * batches (retention-repository.ts says what goes and what stays). `dryRun` reports what a run
 * would touch and changes nothing.
 */
export function createRetentionService(deps: { retention: RetentionRepository; days: number | null; batchSize: number; maxBatchesPerRun?: number }) {
  const { retention, batchSize } = deps;
  const maxBatches = deps.maxBatchesPerRun ?? 20;
  const cutoff = (days: number, now: Date) => new Date(now.getTime() - days * DAY_MS);
  const none = (): RetentionReport => ({ tickets: 0, items: 0, attachments: 0, events: 0, notifications: 0 });
  return {
    days: deps.days,

    async dryRun(now: Date, days = deps.days): Promise<RetentionReport> {
      if (days === null) return none();
      return retention.dryRun(cutoff(days, now));
    },

    /** Batches until nothing is due (or maxBatchesPerRun: the next run goes on); off without RETENTION_DAYS. */
    async run(now: Date, days = deps.days): Promise<RetentionReport & { batches: number }> {
      const total = { ...none(), batches: 0 };
      if (days === null) return total;
      for (let i = 0; i < maxBatches; i++) {
        const done = await retention.anonymiseBatch(cutoff(days, now), now, batchSize);
        for (const k of Object.keys(done) as (keyof RetentionReport)[]) total[k] += done[k];
        total.batches++;
        if (done.tickets < batchSize) break;
      }
      return total;
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
