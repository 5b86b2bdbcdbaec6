import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { Breaker, DatabaseUnavailableError } from './availability.js';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction has the same query API as the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Tx;

export interface DbHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Raw SQL returning rows, the same shape on both drivers. */
  rows<T = Record<string, unknown>>(query: SQL, executor?: Executor): Promise<T[]>;
  /**
   * Listens on a channel on a connection of its own (PostgreSQL only: PGlite is one process and
   * has no one else to hear from). `listening` when it starts and again after a reconnect (what
   * was said meanwhile was missed). Resolves with how to stop.
   */
  listen?(channel: string, on: { message(payload: string): void; listening(): void }): Promise<() => Promise<void>>;
  /**
   * Resolves when the database answers (the health check); rejects when it cannot be reached or
   * does not answer within 2 s.
   */
  ping(): Promise<void>;
  /** How long a client told "database unavailable" should wait before trying again (Retry-After). */
  retryAfterSeconds: number;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** PGlite only: the whole data folder as one file, to start other databases from (pgliteImage). */
  image?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL connection string; without it, embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's data folder; without it, an in-memory database (tests). */
  pgliteDir?: string | undefined;
  /**
   * PGlite: start from this image (DbHandle.image) instead of an empty cluster. The tests migrate
   * once and start each file's database from the image: creating a cluster and migrating it cost
   * several times what loading the image does.
   */
  pgliteImage?: Blob | undefined;
  poolSize?: number;
  /** PostgreSQL: seconds to wait for a connection to open (postgres.js's connect_timeout). */
  connectTimeoutSeconds?: number;
  /**
   * PostgreSQL: a statement not answered within this makes the API try a fresh connection; if
   * that cannot connect, everything waiting fails as "database unavailable" (0: never).
   */
  probeAfterMs?: number;
  /** PostgreSQL: once the database is found down, statements fail at once for this long. */
  downForMs?: number;
}

/** The health check's limit: a load balancer must hear "unavailable" quickly, not wait for TCP. */
const PING_TIMEOUT_MS = 2000;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

// Any fixed number: the key of the advisory lock that serialises migrations across processes.
const MIGRATION_LOCK_KEY = 72_110_001;

export class DataDirLockedError extends Error {}

export async function createDb(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return createPostgres(options.databaseUrl, options);
  const handle = await createPglite(options);
  return Object.assign(handle, {
    async ping() {
      await handle.rows(sql`SELECT 1`);
    },
    retryAfterSeconds: 1,
  });
}

/**
 * Runs `work` in one transaction that holds an advisory lock on `lockKey` (on PostgreSQL, where
 * several processes may start at once; PGlite is one process), and hands it a handle whose
 * statements and transactions run inside that transaction (a nested one becomes a savepoint), so
 * repositories and the importer work inside it unchanged.
 */
export async function exclusively<T>(handle: DbHandle, lockKey: number, work: (inside: DbHandle) => Promise<T>): Promise<T> {
  return handle.db.transaction(async (tx) => {
    if (handle.kind === 'postgres') await tx.execute(sql`SELECT pg_advisory_xact_lock(${lockKey})`);
    return work({ ...handle, db: tx as Database, rows: <T>(query: SQL, executor: Executor = tx) => handle.rows<T>(query, executor) });
  });
}

async function createPostgres(url: string, options: DbOptions): Promise<DbHandle> {
  const connectTimeout = options.connectTimeoutSeconds ?? 2;
  const client = postgres(url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    connection: { application_name: 'minhu-api' },
    // postgres.js waits 30 s by default: a blackholed server would hold every request that long.
    connect_timeout: connectTimeout,
  });
  const breaker = new Breaker({
    probeAfterMs: options.probeAfterMs ?? 1000,
    downForMs: options.downForMs ?? 2000,
    probe: () => probe(url, connectTimeout),
  });
  const db = drizzlePostgres(preparing(client, breaker), { schema }) as unknown as Database;
  const rows = async <T>(query: SQL, executor: Executor = db) => (await executor.execute(query)) as unknown as T[];
  return {
    db,
    kind: 'postgres',
    rows,
    retryAfterSeconds: breaker.retryAfterSeconds,
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DatabaseUnavailableError(`数据库在 ${PING_TIMEOUT_MS} ms 内没有应答`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([rows(sql`SELECT 1`), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async listen(channel, on) {
      // postgres.js listens on a connection of its own and listens again after a reconnect,
      // calling onlisten each time.
      const { unlisten } = await client.listen(channel, on.message, on.listening);
      return unlisten;
    },
    async migrate() {
      // One connection of its own, so the advisory lock and the migration share a session.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: connectTimeout });
      try {
        await single`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres(single), { migrationsFolder: MIGRATIONS_FOLDER });
        await single`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await single.end();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * drizzle sends every statement unnamed, so PostgreSQL parses and plans it afresh each time and
 * postgres.js waits for a describe round trip before each execution. Through this wrapper every
 * statement (in and out of transactions) is prepared once per connection and reused: the API's
 * statements are a fixed set of texts. (A pooler in transaction mode would need this off.)
 *
 * Every statement and transaction also runs under the breaker (availability.ts): statements have
 * a deadline, and while the database is known to be down they fail at once instead of queueing.
 * A transaction given up before it got a connection does nothing when it gets one later.
 */
function preparing(sql: postgres.Sql, breaker: Breaker): postgres.Sql {
  const wrap = <T>(fn: (tx: postgres.Sql) => T) => (tx: postgres.Sql) => fn(preparing(tx, breaker));
  return new Proxy(sql, {
    get(target, property, receiver) {
      switch (property) {
        case 'unsafe':
          return (query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
            guarded(target.unsafe(query, params, { ...options, prepare: true }), breaker);
        case 'begin':
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: postgres.Sql) => unknown;
            let abandoned = false;
            const work = () =>
              (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (tx: postgres.Sql) => {
                if (abandoned) throw new DatabaseUnavailableError('事务已放弃');
                return wrap(fn)(tx);
              });
            return breaker.run(work).catch((error: unknown) => {
              abandoned = true;
              throw error;
            });
          };
        case 'savepoint':
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: postgres.Sql) => unknown;
            return ((target as unknown as { savepoint: (...a: unknown[]) => unknown }).savepoint)(...args, wrap(fn));
          };
        default:
          return Reflect.get(target, property, receiver);
      }
    },
  });
}

/** Whether a fresh connection can be opened and answers, within the connect timeout and PING_TIMEOUT_MS. */
async function probe(url: string, connectTimeout: number): Promise<void> {
  const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: connectTimeout, connection: { application_name: 'minhu-api-probe' } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      single`SELECT 1`,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('probe timed out')), connectTimeout * 1000 + PING_TIMEOUT_MS))),
    ]);
  } finally {
    clearTimeout(timer);
    void single.end({ timeout: 0 }).catch(() => {});
  }
}

/**
 * A statement under the breaker. drizzle awaits the statement or its `.values()`; postgres.js
 * sends it when first awaited, so the breaker decides before anything is sent.
 */
function guarded(query: postgres.PendingQuery<postgres.Row[]>, breaker: Breaker): postgres.PendingQuery<postgres.Row[]> {
  let running: Promise<unknown> | undefined;
  const proxy: postgres.PendingQuery<postgres.Row[]> = new Proxy(query, {
    get(target, property) {
      if (property === 'then') {
        running ??= breaker.run(() => target);
        return running.then.bind(running);
      }
      if (property === 'catch' || property === 'finally') {
        running ??= breaker.run(() => target);
        return (running[property] as (...a: unknown[]) => unknown).bind(running);
      }
      if (property === 'values' || property === 'raw') {
        return () => {
          (target[property] as () => unknown).call(target);
          return proxy;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return proxy;
}

async function createPglite(options: DbOptions): Promise<Omit<DbHandle, 'ping' | 'retryAfterSeconds'>> {
  const dir = options.pgliteDir;
  const releaseLock = dir ? lockDataDir(dir) : () => {};
  let client: PGlite;
  try {
    // One options object: PGlite reads a second argument only when the first is a folder's name.
    client = new PGlite({
      dataDir: dir,
      loadDataDir: options.pgliteImage,
      // The embedded database serves a demo or a small install. PostgreSQL's default 128 MB of
      // shared buffers lives in WebAssembly memory, which is never given back: it took the demo's
      // start to 950–1,030 MiB; with 32 MB, 850–880 MiB (bench: embedded cold start).
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
    });
    await client.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    async rows<T>(query: SQL, executor: Executor = db) {
      return ((await executor.execute(query)) as unknown as { rows: T[] }).rows;
    },
    async migrate() {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
      // PGlite has no autovacuum: without statistics the planner sorts whole tables.
      await client.exec('VACUUM (ANALYZE)');
    },
    image: () => client.dumpDataDir('none'),
    async close() {
      try {
        await client.close();
      } finally {
        releaseLock();
      }
    },
  };
}

/**
 * PGlite is one process's database: two servers on one data folder would lose writes. A lock
 * file holding the owner's pid refuses the second; a lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'minhu-server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DataDirLockedError(
          `数据目录 ${dir} 正被另一个服务进程 (pid ${owner}) 使用。内置数据库只能由一个进程打开；` +
            `请先停止它，或设置 DATABASE_URL 使用 PostgreSQL 以运行多个进程。`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(`无法锁定数据目录 ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function dataDirHasDatabase(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}
