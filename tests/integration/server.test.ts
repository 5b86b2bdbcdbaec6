import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@minhu/db';
import { buildApp } from '../../apps/api/src/app.js';
import { loadConfig } from '../../apps/api/src/config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const pglite = process.env.TEST_DB !== 'postgres';

/** Runs the real server; resolves with its output when it prints its URL or exits. */
function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<{ output: string; code: number | null }>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('/api/v1')) resolve({ output, code: null });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ output, code }));
  });
  return { child, ready };
}

describe.runIf(pglite)('the embedded server', () => {
  it('when a second server opens the same data folder, then it refuses with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'minhu-lock-'));
    const first = runServer({ DATA_DIR: dataDir, SEED_DEMO: 'false' });
    try {
      const started = await first.ready;
      expect(started.output).toContain('民呼我行已启动');
      const second = runServer({ DATA_DIR: dataDir, SEED_DEMO: 'false' });
      const refused = await second.ready;
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('正被另一个服务进程');
    } finally {
      first.child.kill('SIGTERM');
      await new Promise((resolve) => first.child.once('exit', resolve));
    }
    // Once the first has stopped, the folder can be opened again, with its data and without re-migrating.
    const again = runServer({ DATA_DIR: dataDir, SEED_DEMO: 'false' });
    try {
      expect((await again.ready).output).toContain('民呼我行已启动');
    } finally {
      again.child.kill('SIGTERM');
      await new Promise((resolve) => again.child.once('exit', resolve));
    }
  });
});

describe.runIf(pglite)('the embedded database', () => {
  it('keeps its shared buffers small (its memory is never given back; the demo must start under 1 GB)', async () => {
    const handle = await createDb({});
    try {
      const [row] = await handle.rows<{ shared_buffers: string }>(sql`SHOW shared_buffers`);
      expect(row!.shared_buffers).toBe('32MB');
    } finally {
      await handle.close();
    }
  });
});

describe('the API around the tickets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('reports health with the database', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('runs migrations again without harm (start-up is idempotent)', async () => {
    await t.handle.migrate();
    await t.handle.migrate();
  });

  it('keeps the timeline append-only', async () => {
    const { sql } = await import('drizzle-orm');
    await expect(t.handle.db.execute(sql`DELETE FROM ticket_events`)).rejects.toThrow();
    await expect(t.handle.db.execute(sql`UPDATE ticket_events SET type = 'x'`)).rejects.toThrow();
  });

  it('publishes the OpenAPI document with the contract’s paths', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(reply.statusCode).toBe(200);
    const doc = reply.json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/health',
      '/api/v1/auth/wechat',
      '/api/v1/auth/dev',
      '/api/v1/auth/refresh',
      '/api/v1/me',
      '/api/v1/tickets',
      '/api/v1/tickets/{id}',
      '/api/v1/tickets/{id}/claim',
      '/api/v1/tickets/{id}/confirm',
      '/api/v1/uploads',
    ]) {
      expect(paths).toContain(path);
    }
    const create = doc.paths['/api/v1/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.properties.category.enum).toEqual(['medicine', 'supplies', 'medical', 'help']);
    expect(create.parameters.some((p: { name: string; in: string }) => p.name === 'idempotency-key' && p.in === 'header')).toBe(true);
  });

  it('answers unknown paths with the error shape', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().error.code).toBe('NOT_FOUND');
  });
});

describe.runIf(!pglite)('when PostgreSQL is unreachable', () => {
  it('answers 503 for health and for requests that need the database', async () => {
    const handle = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing', poolSize: 1 });
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-')) });
    const app = await buildApp(config, { handle });
    try {
      const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ db: 'unavailable', error: { code: 'DATABASE_UNAVAILABLE' } });
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/dev', payload: { phone: '13900000001' } });
      expect(login.statusCode).toBe(503);
      expect(login.json().error.code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await app.close();
      await handle.close();
    }
  });
});
