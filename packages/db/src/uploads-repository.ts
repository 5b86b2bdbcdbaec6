import { eq, sql } from 'drizzle-orm';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { distributionLines, uploads } from './schema.js';

export function createUploadsRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    async insert(ownerId: string, contentType: string, data: Buffer, now: Date, executor: Executor = db) {
      const id = newId(now.getTime());
      await executor.insert(uploads).values({ id, ownerId, contentType, size: data.length, data, createdAt: now });
      return { id, contentType, size: data.length };
    },

    /** How many bytes a person's uploads take (the storage quota). */
    async usedBytes(ownerId: string): Promise<number> {
      const [row] = await handle.rows<{ used: number }>(sql`SELECT coalesce(sum(size), 0)::float8 AS used FROM ${uploads} WHERE owner_id = ${ownerId}`);
      return row!.used;
    },

    /**
     * Removes up to `limit` uploads made before `before` that nothing uses: not attached to a
     * ticket (its filing, notes, resolution) nor to a distribution's delivery. Their owners
     * uploaded and never sent them.
     */
    async removeUnattached(before: Date, limit = 500): Promise<number> {
      const rows = await handle.rows(sql`
        DELETE FROM ${uploads} WHERE id IN (
          SELECT u.id FROM ${uploads} u
          WHERE u.ticket_id IS NULL AND u.created_at < ${before.toISOString()}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM ${distributionLines} l WHERE l.attachments <> '{}'::uuid[] AND l.attachments @> ARRAY[u.id])
          LIMIT ${limit})
        RETURNING 1`);
      return rows.length;
    },

    async get(id: string, executor: Executor = db) {
      const [row] = await executor.select().from(uploads).where(eq(uploads.id, id));
      return row ?? null;
    },
  };
}

export type UploadsRepository = ReturnType<typeof createUploadsRepository>;
