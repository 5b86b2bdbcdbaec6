import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbHandle, Executor } from './create-db.js';
import { errands, errandTickets } from './schema.js';

export type ErrandRow = typeof errands.$inferSelect;

/** All SQL of errands (跑腿批次). */
export function createErrandsRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    /** Of these tickets, those in a running errand (not yet delivered from it). */
    async running(ticketIds: readonly string[], executor: Executor = db): Promise<Set<string>> {
      if (ticketIds.length === 0) return new Set();
      const rows = await executor
        .select({ ticketId: errandTickets.ticketId })
        .from(errandTickets)
        .where(and(inArray(errandTickets.ticketId, [...ticketIds]), isNull(errandTickets.deliveredAt)));
      return new Set(rows.map((r) => r.ticketId));
    },

    /** The errand and its tickets, inside the caller's transaction (the claims' one). */
    async insert(executor: Executor, errand: typeof errands.$inferInsert, ticketIds: readonly string[]) {
      await executor.insert(errands).values(errand);
      await executor.insert(errandTickets).values(ticketIds.map((ticketId, position) => ({ errandId: errand.id, ticketId, position })));
    },

    async get(id: string, executor: Executor = db) {
      const [errand] = await executor.select().from(errands).where(eq(errands.id, id));
      if (!errand) return null;
      const tickets = await executor
        .select({ ticketId: errandTickets.ticketId, deliveredAt: errandTickets.deliveredAt })
        .from(errandTickets)
        .where(eq(errandTickets.errandId, id))
        .orderBy(errandTickets.position);
      return { errand, tickets };
    },

    /**
     * Marks one ticket delivered from the errand (once), and the errand done when it was the last.
     * False when the ticket is not in it or was delivered already.
     */
    async markDelivered(errandId: string, ticketId: string, at: Date, executor: Executor = db): Promise<boolean> {
      return (executor as typeof db).transaction(async (tx) => {
        const rows = await tx
          .update(errandTickets)
          .set({ deliveredAt: at })
          .where(and(eq(errandTickets.errandId, errandId), eq(errandTickets.ticketId, ticketId), isNull(errandTickets.deliveredAt)))
          .returning({ ticketId: errandTickets.ticketId });
        if (rows.length === 0) return false;
        await tx.execute(
          sql`UPDATE errands SET done_at = ${at.toISOString()}::timestamptz WHERE id = ${errandId}
              AND NOT EXISTS (SELECT 1 FROM errand_tickets WHERE errand_id = ${errandId} AND delivered_at IS NULL)`,
        );
        return true;
      });
    },

    /** A member's errands, newest first. */
    async ofMember(memberId: string, page: { beforeId?: string; limit: number }, executor: Executor = db) {
      return handle.rows<{ id: string }>(
        sql`SELECT id FROM errands WHERE member_id = ${memberId} ${page.beforeId ? sql`AND id < ${page.beforeId}` : sql``}
            ORDER BY id DESC LIMIT ${page.limit}`,
        executor,
      );
    },
  };
}

export type ErrandsRepository = ReturnType<typeof createErrandsRepository>;
