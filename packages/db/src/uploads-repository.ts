import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { DbHandle, Executor, Tx } from './create-db.js';
import { newId } from './ids.js';
import { uploads } from './schema.js';

export function createUploadsRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    async insert(ownerId: string, contentType: string, data: Buffer, executor: Executor = db) {
      const id = newId();
      await executor.insert(uploads).values({ id, ownerId, contentType, size: data.length, data });
      return { id, contentType, size: data.length };
    },

    async get(id: string, executor: Executor = db) {
      const [row] = await executor.select().from(uploads).where(eq(uploads.id, id));
      return row ?? null;
    },

    /**
     * Attaches the owner's own, still unattached uploads to a ticket. Returns false (and the
     * caller rolls back) unless every id qualified.
     */
    async attach(tx: Tx, ids: readonly string[], ownerId: string, ticketId: string): Promise<boolean> {
      if (ids.length === 0) return true;
      const rows = await tx
        .update(uploads)
        .set({ ticketId })
        .where(and(inArray(uploads.id, [...ids]), eq(uploads.ownerId, ownerId), isNull(uploads.ticketId)))
        .returning({ id: uploads.id });
      return rows.length === ids.length;
    },
  };
}

export type UploadsRepository = ReturnType<typeof createUploadsRepository>;
