import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '@minhu/db';

/**
 * A fresh, migrated database for one test file: in-memory PGlite loaded from the image, or a new
 * PostgreSQL database cloned from the template, that global-setup migrated once for this run.
 */

export function adminUrl(url: string, database = 'postgres'): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDb(): Promise<DbHandle> {
  if (process.env.TEST_DB !== 'postgres') return createDb({ pgliteImage: new Blob([readFileSync(inject('pgliteImage'))]) });
  const database = await createTestDatabase();
  const handle = await createDb({ databaseUrl: database.url, poolSize: 20 });
  const close = handle.close.bind(handle);
  handle.close = async () => {
    await close();
    await database.drop();
  };
  return handle;
}

/** PostgreSQL only: a new migrated database of the test's own (cloned from the run's template), by name and URL. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL!;
  const name = `minhu_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: adminUrl(base, name),
    async drop() {
      const cleanup = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
