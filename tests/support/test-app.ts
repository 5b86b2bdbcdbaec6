import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DbHandle } from '@minhu/db';
import { buildApp, type AppDeps } from '../../apps/api/src/app.js';
import { loadConfig } from '../../apps/api/src/config.js';
import { seedDemoIfEmpty } from '../../apps/api/src/demo/demo-seed.js';
import { createFactories, type Factories } from './factories.js';
import { createTestDb } from './test-db.js';

/** A clock that moves only when a test moves it. */
export class TestClock {
  constructor(private current = new Date('2026-11-28T02:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface TestApp {
  app: FastifyInstance;
  handle: DbHandle;
  clock: TestClock;
  /** Makes the organisation a test needs (tests/support/factories.ts), on this app's clock. */
  make: Factories;
  /** Signs someone in by phone (or a person the factories made) and returns a client speaking as them. */
  as(who: string | { phone: string }): Promise<Client>;
  /** Ids of areas by code, people by phone, teams by name. */
  ids: { area(code: string): Promise<string>; user(phone: string): Promise<string>; team(name: string): Promise<string> };
  close(): Promise<void>;
}

export interface Client {
  /** The access token last issued; for requests of a test's own, use bearer(). */
  token: string;
  userId: string;
  /** A current access token: renewed first when the test's clock has moved past its expiry. */
  bearer(): Promise<string>;
  get<T = any>(url: string): Promise<Reply<T>>;
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T = any>(url: string, body: unknown): Promise<Reply<T>>;
  put<T = any>(url: string, body: unknown): Promise<Reply<T>>;
  delete<T = any>(url: string): Promise<Reply<T>>;
  /** Files a ticket with a fresh Idempotency-Key. */
  file<T = any>(body: Record<string, unknown>, key?: string): Promise<Reply<T>>;
}

let keys = 0;

/**
 * An app on a fresh database of its own, empty: a test makes the people it needs with `make`
 * (most files start from `smallOrg`). `demo: true` loads the demo data instead, for the tests of
 * the demo itself.
 */
export async function startTestApp(
  options: { demo?: boolean; env?: Record<string, string>; deps?: Partial<AppDeps>; handle?: DbHandle } = {},
): Promise<TestApp> {
  // A handle given is the test's (closed by close() all the same).
  const handle = options.handle ?? (await createTestDb());
  const clock = new TestClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'minhu-test-'));
  const config = loadConfig(
    {
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      DATA_DIR: dataDir,
      // No H5 build unless a test gives one: whether apps/miniapp/dist/h5 happens to be built (the
      // browser tests build it) must not change what the API answers (its wildcard route would
      // take an over-long /api/v1 parameter before the router's 414).
      WEB_ROOT: dataDir,
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    process.cwd(),
  );
  // Every error a route answers must be one its entry in the table of endpoints lists: the whole
  // suite checks the table's error codes (close() fails the file otherwise).
  const breaches: string[] = [];
  const app = await buildApp(config, {
    handle,
    clock: clock.now,
    background: false,
    onContractBreach: ({ operationId, status, code }) => breaches.push(`${operationId} answered ${status} ${code}`),
    ...options.deps,
  });
  if (options.demo) await seedDemoIfEmpty(handle, app.services, clock.now());

  const inject = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as never }),
    });
    const text = response.body;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.statusCode, body: parsed, headers: response.headers } as Reply;
  };

  const one = async (query: ReturnType<typeof sql>, what: string) => {
    const [row] = await handle.rows<{ id: string }>(query);
    if (!row) throw new Error(`no ${what}`);
    return row.id;
  };

  return {
    app,
    handle,
    clock,
    make: createFactories(handle, clock.now),
    async as(who: string | { phone: string }) {
      const phone = typeof who === 'string' ? who : who.phone;
      const login = await inject('POST', '/api/v1/auth/dev', null, { phone });
      if (login.status !== 200) throw new Error(`login ${phone}: ${login.status} ${JSON.stringify(login.body)}`);
      let refreshToken = login.body.refreshToken as string;
      // Tokens expire on the test's clock: once the test has moved it past the token's expiry, the
      // client renews it with its refresh token, as the mini-program does.
      const expiresAt = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp * 1000;
      const bearer = async () => {
        if (expiresAt(client.token) <= clock.now().getTime()) {
          const renewed = await inject('POST', '/api/v1/auth/refresh', null, { refreshToken });
          if (renewed.status !== 200) throw new Error(`refresh ${phone}: ${renewed.status} ${JSON.stringify(renewed.body)}`);
          client.token = renewed.body.accessToken;
          refreshToken = renewed.body.refreshToken;
        }
        return client.token;
      };
      const send = async (method: Parameters<typeof inject>[0], url: string, body?: unknown, headers?: Record<string, string>) =>
        inject(method, url, await bearer(), body, headers);
      const client: Client = {
        token: login.body.accessToken as string,
        userId: login.body.user.id,
        bearer,
        get: (url) => send('GET', url),
        post: (url, body, headers) => send('POST', url, body ?? {}, headers),
        patch: (url, body) => send('PATCH', url, body),
        put: (url, body) => send('PUT', url, body),
        delete: (url) => send('DELETE', url),
        file: (body, key = `test-key-${++keys}-${Math.random()}`) => send('POST', '/api/v1/tickets', body, { 'idempotency-key': key }),
      };
      return client;
    },
    ids: {
      area: (code) => one(sql`SELECT id FROM areas WHERE code = ${code}`, `area ${code}`),
      user: (phone) => one(sql`SELECT id FROM users WHERE phone = ${phone}`, `user ${phone}`),
      team: (name) => one(sql`SELECT id FROM teams WHERE name = ${name}`, `team ${name}`),
    },
    async close() {
      await app.close();
      await handle.close();
      if (breaches.length > 0) throw new Error(`error codes not listed in packages/contracts/src/endpoints.ts:\n${[...new Set(breaches)].join('\n')}`);
    },
  };
}
