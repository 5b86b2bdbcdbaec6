import { createServer, connect, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@minhu/db';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type Reply, type TestApp } from '../support/test-app.js';
import { adminUrl, createTestDatabase } from '../support/test-db.js';

/**
 * PostgreSQL outages answer a prompt 503 DATABASE_UNAVAILABLE with Retry-After (never a 500, never
 * a request hanging on TCP), /health says so, and when the database is back everything accepted
 * before is there and a retried submission makes exactly one ticket. PostgreSQL only: PGlite is
 * in the process and cannot be cut off.
 */
const postgresOnly = process.env.TEST_DB === 'postgres';

const OUTAGE_OPTIONS = { poolSize: 4, connectTimeoutSeconds: 2, probeAfterMs: 1000, downForMs: 1000 };

function expectUnavailable(reply: Reply) {
  expect(reply.status).toBe(503);
  expect(reply.body.error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/数据库/) });
  expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/** What the people of a test do while the database is out: read, file (with a key, to retry later), check health. */
async function duringOutage(t: TestApp, resident: Client, ticketId: string, key: string) {
  const health = t.app.inject({ method: 'GET', url: '/api/v1/health' }).then((r) => ({ status: r.statusCode, body: r.json(), headers: r.headers }));
  return Promise.all([
    resident.get(`/api/v1/tickets/${ticketId}`),
    resident.file({ category: 'supplies', urgency: 'normal', description: `断线时提交 ${key}` }, key),
    resident.get('/api/v1/tickets?scope=mine'),
    health,
  ]);
}

async function afterRecovery(t: TestApp, resident: Client, before: { id: string }, key: string) {
  await expect.poll(async () => (await t.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
  // Nothing accepted before is lost.
  const read = await resident.get(`/api/v1/tickets/${before.id}`);
  expect(read.status).toBe(200);
  expect(read.body.ticket.id).toBe(before.id);
  // The submission that got 503, sent again with its key, makes exactly one ticket.
  const again = await resident.file({ category: 'supplies', urgency: 'normal', description: `断线时提交 ${key}` }, key);
  expect([200, 201]).toContain(again.status);
  const [row] = await t.handle.rows<{ n: number }>(
    (await import('drizzle-orm')).sql`SELECT count(*)::int AS n FROM tickets WHERE description = ${`断线时提交 ${key}`}`,
  );
  expect(row!.n).toBe(1);
}

describe.runIf(postgresOnly)('when PostgreSQL refuses connections (ALLOW_CONNECTIONS false, backends terminated)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: postgres.Sql;
  let t: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = postgres(adminUrl(process.env.TEST_DATABASE_URL!), { max: 1, onnotice: () => {} });
    t = await startTestApp({ handle: await createDb({ databaseUrl: database.url, ...OUTAGE_OPTIONS }) });
    org = await smallOrg(t.make);
  });
  afterAll(async () => {
    await admin?.unsafe(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await t?.close();
    await database?.drop();
    await admin?.end();
  });

  it('then every request is 503 DATABASE_UNAVAILABLE with Retry-After, and after it nothing is lost', async () => {
    const resident = await t.as(org.people.resident);
    const before = await resident.file({ category: 'medicine', urgency: 'normal', description: '断线前的求助' });
    expect(before.status).toBe(201);

    await admin.unsafe(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${database.name}`;

    const [read, file, list, health] = await duringOutage(t, resident, before.body.id, 'refused-key');
    for (const reply of [read, file, list]) expectUnavailable(reply);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ db: 'unavailable', error: { code: 'DATABASE_UNAVAILABLE' } });
    expect(Number(health.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // While it is down, requests keep failing the same way (at once: the breaker is open).
    expectUnavailable(await resident.get(`/api/v1/tickets/${before.body.id}`));

    await admin.unsafe(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await afterRecovery(t, resident, before.body, 'refused-key');
  });
});

/**
 * A TCP proxy in front of PostgreSQL that can stall: while blackholed it reads nothing from
 * either side of open connections and accepts new ones without ever connecting them (as when a
 * network path dies); afterwards the stalled bytes flow again, as TCP would retransmit them.
 */
async function stallingProxy(target: { host: string; port: number }) {
  let blackholed = false;
  const sockets = new Set<Socket>();
  const pending: Array<() => void> = [];
  const pair = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => !blackholed && from.resume());
        }
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
    upstream.on('close', () => sockets.delete(upstream));
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (blackholed) {
      client.pause();
      pending.push(() => !client.destroyed && pair(client));
    } else pair(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    blackhole() {
      blackholed = true;
      for (const socket of sockets) socket.pause();
    },
    restore() {
      blackholed = false;
      for (const socket of sockets) socket.resume();
      for (const start of pending.splice(0)) start();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.runIf(postgresOnly)('when the network to PostgreSQL is blackholed (a TCP proxy that stalls)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: Awaited<ReturnType<typeof stallingProxy>>;
  let handle: DbHandle;
  let t: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    database = await createTestDatabase();
    const real = new URL(database.url);
    proxy = await stallingProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    handle = await createDb({ databaseUrl: viaProxy.toString(), ...OUTAGE_OPTIONS });
    t = await startTestApp({ handle });
    org = await smallOrg(t.make);
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('then requests in flight and new ones are 503 with Retry-After instead of hanging, and after it nothing is lost', async () => {
    const resident = await t.as(org.people.resident);
    const before = await resident.file({ category: 'medicine', urgency: 'normal', description: '断网前的求助' });
    expect(before.status).toBe(201);

    proxy.blackhole();
    const [read, file, list, health] = await duringOutage(t, resident, before.body.id, 'blackholed-key');
    for (const reply of [read, file, list]) expectUnavailable(reply);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ db: 'unavailable', error: { code: 'DATABASE_UNAVAILABLE' } });
    expectUnavailable(await resident.get(`/api/v1/tickets/${before.body.id}`));

    proxy.restore();
    await afterRecovery(t, resident, before.body, 'blackholed-key');
  });
});
