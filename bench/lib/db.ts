import postgres from 'postgres';

export type Sql = postgres.Sql;

/** A connection to the bench database (a few connections; the bench's own queries are light). */
export function connect(url: string, max = 4): Sql {
  return postgres(url, { max, onnotice: () => {}, connection: { application_name: 'minhu-bench' } });
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Databases the bench never writes to, whatever DATABASE_URL says. */
const PROTECTED = new Set(['postgres', 'template0', 'template1', 'test', 'root', 'minhu', 'minhu_manual']);

/**
 * Makes sure the bench database exists. It refuses a database that already holds tables but no
 * bench marker: the bench deletes and rewrites data, and must never do so in someone's database.
 */
export async function ensureDatabase(url: string): Promise<{ created: boolean }> {
  const name = databaseOf(url);
  if (PROTECTED.has(name) || name.startsWith('minhu_test')) {
    throw new Error(`refusing to use database "${name}" for the bench: give DATABASE_URL a database of its own, e.g. .../minhu_bench`);
  }
  const admin = connect(withDatabase(url, 'postgres'), 1);
  try {
    const [row] = await admin`SELECT 1 AS ok FROM pg_database WHERE datname = ${name}`;
    if (!row) {
      await admin.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return { created: true };
    }
  } finally {
    await admin.end();
  }
  const sql = connect(url, 1);
  try {
    const { tables, marked } = first(await sql<{ tables: number; marked: boolean }[]>`
      SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables,
             to_regclass('bench.meta') IS NOT NULL AS marked`);
    if (tables > 0 && !marked) {
      throw new Error(`database "${name}" already has tables but no bench marker (bench.meta): not touching it`);
    }
  } finally {
    await sql.end();
  }
  return { created: false };
}

/** Drops the bench database (only one the bench made: it carries the marker). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  const admin = connect(withDatabase(url, 'postgres'), 1);
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Reads every table and index of the application into the operating system's cache (pg_prewarm,
 * 'read' mode), so that a run measures the API and not a cold disk: a city's 3 GB of tickets sit
 * in memory on a server in use, but right after generating a data set (or a reboot) they do not,
 * and the first runs then wait on disk reads (detail: 76 req/s cold against 926 warm).
 */
export async function prewarm(sql: Sql): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  await sql`CREATE EXTENSION IF NOT EXISTS pg_prewarm`;
  const [row] = await sql<{ bytes: string }[]>`
    SELECT coalesce(sum(pg_relation_size(c.oid)), 0)::bigint AS bytes
    FROM pg_class c, LATERAL pg_prewarm(c.oid::regclass, 'read') AS blocks
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')`;
  return { bytes: Number(row?.bytes ?? 0), ms: performance.now() - started };
}

/** The one row a query must return. */
export function first<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}
