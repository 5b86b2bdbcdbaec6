import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DbHandle } from '@minhu/db';
import { buildApp, type AppDeps } from '../../apps/api/src/app.js';
import { loadConfig } from '../../apps/api/src/config.js';
import { seedDemoIfEmpty } from '../../apps/api/src/demo/demo-seed.js';
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
  /** Signs in a demo account by phone and returns a client speaking as them. */
  as(phone: string): Promise<Client>;
  /** Ids of the demo's areas by code, people by phone, teams by name. */
  ids: { area(code: string): Promise<string>; user(phone: string): Promise<string>; team(name: string): Promise<string> };
  close(): Promise<void>;
}

export interface Client {
  token: string;
  userId: string;
  get<T = any>(url: string): Promise<Reply<T>>;
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T = any>(url: string, body: unknown): Promise<Reply<T>>;
  put<T = any>(url: string, body: unknown): Promise<Reply<T>>;
  delete<T = any>(url: string): Promise<Reply<T>>;
  /** Files a ticket with a fresh Idempotency-Key. */
  file<T = any>(body: Record<string, unknown>, key?: string): Promise<Reply<T>>;
}

let keys = 0;

export async function startTestApp(
  options: { seed?: boolean; env?: Record<string, string>; deps?: Partial<AppDeps> } = {},
): Promise<TestApp> {
  const handle = await createTestDb();
  const clock = new TestClock();
  const config = loadConfig(
    {
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-test-')),
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    process.cwd(),
  );
  const app = await buildApp(config, { handle, clock: clock.now, background: false, ...options.deps });
  if (options.seed !== false) await seedDemoIfEmpty(handle, app.services, clock.now());

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
    async as(phone: string) {
      const login = await inject('POST', '/api/v1/auth/dev', null, { phone });
      if (login.status !== 200) throw new Error(`login ${phone}: ${login.status} ${JSON.stringify(login.body)}`);
      const token = login.body.accessToken as string;
      const client: Client = {
        token,
        userId: login.body.user.id,
        get: (url) => inject('GET', url, token),
        post: (url, body, headers) => inject('POST', url, token, body ?? {}, headers),
        patch: (url, body) => inject('PATCH', url, token, body),
        put: (url, body) => inject('PUT', url, token, body),
        delete: (url) => inject('DELETE', url, token),
        file: (body, key = `test-key-${++keys}-${Math.random()}`) =>
          inject('POST', '/api/v1/tickets', token, body, { 'idempotency-key': key }),
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
    },
  };
}

export const PHONES = {
  resident: '13900000001',
  otherResident: '13900000002',
  leader: '13900000010',
  member: '13900000011',
  member2: '13900000012',
  otherMember: '13900000013',
  secretary: '13900000020',
  admin: '13900000099',
} as const;

export const XFL_TEAM = '幸福里小区民呼我行党员服务队';
export const HSZ_TEAM = '槐树庄民呼我行党员服务队';
