import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createDb } from '@minhu/db';
import { adminUrl, TEMPLATE_DB } from './test-db.js';

/** On PostgreSQL: migrate a template database once; each test file clones it. */
export default async function setup(project: TestProject) {
  const env = project.config.env as Record<string, string | undefined>;
  if (env.TEST_DB !== 'postgres') return;
  const base = env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is required for the PostgreSQL integration tests');
  const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const handle = await createDb({ databaseUrl: adminUrl(base, TEMPLATE_DB), poolSize: 1 });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
}
