import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createDb } from '@minhu/db';
import { adminUrl } from './test-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated PostgreSQL database this run's test files clone. */
    templateDb: string;
    /** The file holding the migrated PGlite database this run's test files start from. */
    pgliteImage: string;
  }
}

/**
 * Migrate once per run; each test file starts from the result. On PostgreSQL a template database
 * each file clones; it is this run's own (two runs at once on one server, from two checkouts,
 * must not drop each other's), and is dropped when the run ends. On PGlite an image of the
 * migrated data folder each file's in-memory database loads (test-db.ts).
 */
export default async function setup(project: TestProject) {
  const env = project.config.env as Record<string, string | undefined>;
  if (env.TEST_DB !== 'postgres') return pgliteImage(project);
  const base = env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is required for the PostgreSQL integration tests');
  const template = `minhu_test_template_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const handle = await createDb({ databaseUrl: adminUrl(base, template), poolSize: 1 });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
  project.provide('templateDb', template);
  return async () => {
    const cleanup = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
    try {
      await cleanup.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    } finally {
      await cleanup.end();
    }
  };
}

async function pgliteImage(project: TestProject) {
  const handle = await createDb({});
  const file = join(tmpdir(), `minhu-test-pglite-${process.pid}-${Date.now().toString(36)}.tar`);
  try {
    await handle.migrate();
    writeFileSync(file, Buffer.from(await (await handle.image!()).arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide('pgliteImage', file);
  return () => rmSync(file, { force: true });
}
