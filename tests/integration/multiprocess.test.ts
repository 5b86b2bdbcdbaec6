import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, URGENCIES } from '@minhu/domain';
import { adminUrl } from '../support/test-db.js';

const onPostgres = process.env.TEST_DB === 'postgres';

/** A real API process on the shared database; resolves with its base URL once it listens. */
function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-mp-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /打开 (http:\/\/[^\s]+)\//.exec(output);
      if (match) resolve({ url: match[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

/** The check: two API processes, an emergency claim limit of one second, a short sweep interval. */
describe.runIf(onPostgres)('two API processes on one PostgreSQL', () => {
  const name = `minhu_mp_${Date.now().toString(36)}`;
  const base = process.env.TEST_DATABASE_URL!;
  let processes: { url: string; child: ChildProcess }[] = [];

  beforeAll(async () => {
    const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const env = {
      DATABASE_URL: adminUrl(base, name),
      SEED_DEMO: 'true',
      JWT_SECRET: 'a-shared-secret-for-both-processes-0123456789',
      SLA_SWEEP_INTERVAL_MS: '200',
    };
    // Started together: they take turns migrating and only one seeds the demo data.
    processes = await Promise.all([startProcess(env), startProcess(env)]);
  });

  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => new Promise((resolve) => (p.child.exitCode !== null ? resolve(null) : p.child.once('exit', resolve)))));
    const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const call = async (url: string, path: string, token: string | null, method = 'GET', body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const login = async (url: string, phone: string) => (await call(url, '/auth/dev', null, 'POST', { phone })).body.accessToken as string;

  it('escalates an unclaimed emergency and tells the leader and the secretary, each exactly once', async () => {
    const [a, b] = [processes[0]!, processes[1]!];
    const admin = await login(a.url, '13900000099');
    const policies = CATEGORIES.flatMap((category) =>
      URGENCIES.map((urgency) =>
        urgency === 'emergency'
          ? { category, urgency, claimWithinSeconds: 1, resolveWithinSeconds: 3600 }
          : { category, urgency, claimWithinSeconds: 7200, resolveWithinSeconds: 172800 },
      ),
    );
    expect((await call(a.url, '/sla-policies', admin, 'PUT', policies)).status).toBe(200);

    const resident = await login(a.url, '13900000001');
    const filed = await call(a.url, '/tickets', resident, 'POST', { category: 'help', urgency: 'emergency', description: '两个进程的督办检查' }, { 'idempotency-key': `mp-${Date.now()}` });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;

    // Both processes sweep every 200 ms; wait for level 2 (past twice the limit) from process B's view.
    const leader = await login(b.url, '13900000010');
    const secretary = await login(b.url, '13900000020');
    // However long that takes on a busy machine: the test's own timeout is the only limit.
    let detail: any;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      detail = (await call(b.url, `/tickets/${id}`, leader)).body;
    } while (detail.events.filter((e: any) => e.type === 'escalated').length < 3);

    expect(detail.ticket.overdue).toBe(true);
    // Give both sweepers a few more rounds to do something twice, if they would.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    detail = (await call(a.url, `/tickets/${id}`, leader)).body;
    expect(detail.events.filter((e: any) => e.type === 'escalated').map((e: any) => e.data.level)).toEqual([1, 2, 3]);

    const mine = async (token: string) =>
      ((await call(b.url, '/notifications?limit=100', token)).body.items as any[]).filter((n) => n.ticketId === id).map((n) => n.type).sort();
    expect(await mine(leader)).toEqual(['emergency', 'new_ticket', 'overdue']);
    expect(await mine(secretary)).toEqual(['emergency', 'overdue']);
  });
});

describe.runIf(onPostgres)('one server with WORKERS=2', () => {
  const name = `minhu_workers_${Date.now().toString(36)}`;
  const base = process.env.TEST_DATABASE_URL!;

  beforeAll(async () => {
    const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
  });

  afterAll(async () => {
    const admin = postgres(adminUrl(base), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('seeds once, serves one port from two processes, replaces a worker that dies, and stops them all', async () => {
    const server = await startProcess({
      DATABASE_URL: adminUrl(base, name),
      SEED_DEMO: 'true',
      WORKERS: '2',
      JWT_SECRET: 'a-shared-secret-for-both-processes-0123456789',
    });
    const workers = () =>
      readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    try {
      expect(workers()).toHaveLength(2);
      const accounts = await fetch(`${server.url}/api/v1/auth/dev/accounts`).then((r) => r.json());
      expect(accounts.items.length).toBeGreaterThan(0);
      // Every worker answers on the one port, signed in with the same secret.
      const login = await fetch(`${server.url}/api/v1/auth/dev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: accounts.items[0].phone }),
      }).then((r) => r.json());
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${server.url}/api/v1/tickets?scope=mine`, { headers: { authorization: `Bearer ${login.accessToken}` } }).then((r) => r.status),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);

      const [first] = workers();
      process.kill(first!, 'SIGKILL');
      await expect.poll(() => workers().filter((pid) => pid !== first), { timeout: 90_000, interval: 200 }).toHaveLength(2);
      expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(200);
    } finally {
      const children = workers();
      server.child.kill('SIGTERM');
      await new Promise((resolve) => (server.child.exitCode !== null ? resolve(null) : server.child.once('exit', resolve)));
      expect(server.child.exitCode).toBe(0);
      expect(children.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
    }
  });
});
