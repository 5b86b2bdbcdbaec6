import { and, eq } from 'drizzle-orm';
import type { DbHandle, Executor, Tx } from './create-db.js';
import { idempotencyKeys } from './schema.js';

export function createIdempotencyRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    async find(userId: string, key: string, executor: Executor = db) {
      const [row] = await executor
        .select({ requestHash: idempotencyKeys.requestHash, ticketId: idempotencyKeys.ticketId })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      return row ?? null;
    },

    /**
     * Claims the key for a new ticket inside the creating transaction. A concurrent request with
     * the same key waits here until the first commits, then finds the key taken (false).
     */
    async claim(tx: Tx, userId: string, key: string, requestHash: string, ticketId: string): Promise<boolean> {
      const rows = await tx
        .insert(idempotencyKeys)
        .values({ userId, key, requestHash, ticketId })
        .onConflictDoNothing()
        .returning({ ticketId: idempotencyKeys.ticketId });
      return rows.length > 0;
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
