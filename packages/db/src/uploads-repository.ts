import { eq } from 'drizzle-orm';
import type { DbHandle, Executor } from './create-db.js';
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
  };
}

export type UploadsRepository = ReturnType<typeof createUploadsRepository>;
