import { and, eq } from 'drizzle-orm';
import type { DbHandle, Executor } from './create-db.js';
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
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
