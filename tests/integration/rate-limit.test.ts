import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@minhu/db';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Reply, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';

/**
 * Rate limits: each test app lowers the limit it tests through the configuration (the defaults
 * are far above what any test does). Over a limit: 429 RATE_LIMITED in the contract's shape, in
 * Chinese, with Retry-After; under it, nothing changes.
 */
function expectLimited(reply: Pick<Reply, 'status' | 'body' | 'headers'>) {
  expect(reply.status).toBe(429);
  expect(reply.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/太频繁.*后再试/) });
  expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

const MINUTE = 60_000;

describe('a flood of tickets from one resident, over loopback', () => {
  let t: TestApp;
  let org: SmallOrg;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_TICKETS_PER_PERSON: '5/10m', RATE_LIMIT_EMERGENCY_PAGES_PER_PERSON: '2/10m' } });
    org = await smallOrg(t.make);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => t?.close());

  it('when 60 tickets are sent at once, then exactly 5 are filed and 55 get 429 with Retry-After; after the window, filing works again', async () => {
    const resident = await t.as(org.people.resident);
    const token = await resident.bearer();
    const replies = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const response = await fetch(`${base}/api/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `flood-${i}` },
          body: JSON.stringify({ category: 'supplies', urgency: 'normal', description: `刷单 ${i}` }),
        });
        return { status: response.status, body: await response.json(), headers: Object.fromEntries(response.headers) };
      }),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(5);
    const limited = replies.filter((r) => r.status !== 201);
    expect(limited).toHaveLength(55);
    for (const reply of limited) expectLimited(reply);
    const [row] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE filed_by_id = ${org.people.resident.id}`);
    expect(row!.n).toBe(5);

    // Someone else is not held back by it.
    expect((await (await t.as(org.people.otherResident)).file({ category: 'help', urgency: 'normal', description: '别人的求助' })).status).toBe(201);
    t.clock.advance(10 * MINUTE);
    expect((await resident.file({ category: 'supplies', urgency: 'normal', description: '十分钟后' })).status).toBe(201);
  });

  it('when a resident sends four emergencies in ten minutes, then all are filed, the secretary and leader are paged for two, and the team hears of the rest as repeats', async () => {
    const neighbour = await t.as(org.people.neighbour);
    const filed = [];
    for (let i = 1; i <= 4; i++) {
      const reply = await neighbour.file({ category: 'help', urgency: 'emergency', description: `摔倒了 ${i}` });
      expect(reply.status).toBe(201);
      filed.push(reply.body);
      t.clock.advance(MINUTE);
    }
    const pages = await t.handle.rows<{ ticket_id: string; user_id: string }>(
      sql`SELECT ticket_id, user_id FROM notifications WHERE type = 'emergency' AND ticket_id IN (${sql.join(filed.map((f) => sql`${f.id}`), sql`, `)})`,
    );
    const paged = (id: string, who: string) => pages.some((p) => p.ticket_id === id && p.user_id === who);
    for (const who of [org.people.secretary.id, org.people.leader.id]) {
      expect(filed.map((f) => paged(f.id, who))).toEqual([true, true, false, false]);
    }
    // The repeats say which open emergency they join, in the timeline and to the team.
    const third = await neighbour.get(`/api/v1/tickets/${filed[2].id}`);
    expect(third.body.events[0]).toMatchObject({ type: 'created', data: { paged: false, repeatOf: filed[1].number } });
    const [told] = await t.handle.rows<{ body: string }>(sql`SELECT body FROM notifications WHERE type = 'new_ticket' AND ticket_id = ${filed[2].id} LIMIT 1`);
    expect(told!.body).toContain(`未再呼叫书记，请与 ${filed[1].number} 一并处理`);

    // Ten minutes after the first ones, an emergency pages again.
    t.clock.advance(10 * MINUTE);
    const later = await neighbour.file({ category: 'help', urgency: 'emergency', description: '又摔倒了' });
    const [again] = await t.handle.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notifications WHERE type = 'emergency' AND ticket_id = ${later.body.id} AND user_id = ${org.people.secretary.id}`,
    );
    expect(again!.n).toBe(1);
  });
});

describe('sign-in, per phone and per IP', () => {
  let t: TestApp;
  const login = (phone: string, ip?: string) =>
    t.app
      .inject({ method: 'POST', url: '/api/v1/auth/dev', payload: { phone }, headers: ip ? { 'x-forwarded-for': ip } : {} })
      .then((r) => ({ status: r.statusCode, body: r.json(), headers: r.headers }));
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_LOGIN_PER_PHONE: '3/10m', RATE_LIMIT_AUTH_PER_IP: '8/1m', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => t?.close());

  it('when one phone is tried again and again, then the 4th is refused while other phones still sign in, until the IP has had 8', async () => {
    for (let i = 0; i < 3; i++) expect((await login('13700000001')).status).toBe(200);
    const refused = await login('13700000001');
    expectLimited(refused);
    expect(refused.body.error.message).toContain('手机号');
    for (const phone of ['13700000002', '13700000003', '13700000004', '13700000005']) expect((await login(phone)).status).toBe(200);
    // The IP's ninth attempt at /auth/*: refused, whatever the phone, and refresh with it.
    expectLimited(await login('13700000006'));
    const refresh = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: 'x'.repeat(40) } });
    expect(refresh.statusCode).toBe(429);
    // Another client (its address from the trusted proxy) is counted on its own.
    expect((await login('13700000006', '203.0.113.9')).status).toBe(200);
    // A minute later the IP may try again.
    t.clock.advance(MINUTE);
    expect((await login('13700000007')).status).toBe(200);
  });
});

describe('invite codes, notes and photos, per person', () => {
  let t: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_INVITES_PER_PERSON: '3/10m', RATE_LIMIT_NOTES_PER_PERSON: '2/10m', RATE_LIMIT_UPLOADS_PER_PERSON: '2/10m' },
    });
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('when someone guesses invite codes, then the 4th guess is refused', async () => {
    const guesser = await t.as(org.people.resident);
    for (const code of ['AAAAAA', 'AAAAAB', 'AAAAAC']) expect((await guesser.get(`/api/v1/invites/${code}`)).status).toBe(404);
    expectLimited(await guesser.get('/api/v1/invites/AAAAAD'));
    expectLimited(await guesser.post('/api/v1/invites/AAAAAD/join'));
  });

  it('when a member adds notes quickly, then the 3rd in the window is refused', async () => {
    const resident = await t.as(org.people.resident);
    const member = await t.as(org.people.member);
    const { body: ticket } = await resident.file({ category: 'medicine', urgency: 'normal', description: '需要药' });
    expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    for (const text of ['联系上了', '在路上']) expect((await member.post(`/api/v1/tickets/${ticket.id}/note`, { text })).status).toBe(200);
    expectLimited(await member.post(`/api/v1/tickets/${ticket.id}/note`, { text: '第三条' }));
  });

  it('when a resident uploads photos quickly, then the 3rd in the window is refused', async () => {
    const resident = await t.as(org.people.resident);
    const boundary = '----minhu-limit';
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const send = async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { authorization: `Bearer ${await resident.bearer()}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      });
      return { status: r.statusCode, body: r.json(), headers: r.headers };
    };
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    expectLimited(await send());
  });
});

describe('photos: the storage quota and the removal of unattached ones', () => {
  let t: TestApp;
  let org: SmallOrg;
  const png = (bytes: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(bytes, 7)]);
  const send = async (client: Awaited<ReturnType<TestApp['as']>>, content: Buffer) => {
    const boundary = '----minhu-quota';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { authorization: `Bearer ${await client.bearer()}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    return { status: r.statusCode, body: r.json(), headers: r.headers };
  };
  beforeAll(async () => {
    t = await startTestApp({ env: { UPLOAD_QUOTA_MB: '1' } });
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('when a person’s photos would pass the quota, then 413 in Chinese; others may still upload', async () => {
    const resident = await t.as(org.people.resident);
    expect((await send(resident, png(600 * 1024))).status).toBe(201);
    const over = await send(resident, png(600 * 1024));
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MB') });
    expect((await send(await t.as(org.people.otherResident), png(600 * 1024))).status).toBe(201);
  });

  it('when a photo is left unattached for a day, then housekeeping removes it; attached ones stay', async () => {
    const neighbour = await t.as(org.people.neighbour);
    const kept = (await send(neighbour, png(100))).body;
    const left = (await send(neighbour, png(100))).body;
    const filed = await neighbour.file({ category: 'medicine', urgency: 'normal', description: '药盒照片', attachments: [kept.id] });
    expect(filed.status).toBe(201);
    t.clock.advance(23 * 3600_000);
    await t.app.services.uploads.removeUnattached(t.clock.now());
    expect((await neighbour.get(`/api/v1/uploads/${left.id}`)).status).toBe(200);
    t.clock.advance(2 * 3600_000);
    expect(await t.app.services.uploads.removeUnattached(t.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await neighbour.get(`/api/v1/uploads/${left.id}`)).status).toBe(404);
    expect((await neighbour.get(`/api/v1/uploads/${kept.id}`)).status).toBe(200);
  });
});

describe('when rate limits are off (RATE_LIMITS=off)', () => {
  let t: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMITS: 'off', RATE_LIMIT_TICKETS_PER_PERSON: '1/10m' } });
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('then nothing is limited', async () => {
    const resident = await t.as(org.people.resident);
    for (let i = 0; i < 3; i++) expect((await resident.file({ category: 'help', urgency: 'normal', description: `不限 ${i}` })).status).toBe(201);
  });
});

describe.runIf(process.env.TEST_DB === 'postgres')('two API processes on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestApp;
  let b: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { RATE_LIMIT_TICKETS_PER_PERSON: '3/10m' };
    a = await startTestApp({ env, handle: await createDb({ databaseUrl: database.url, poolSize: 4 }) });
    b = await startTestApp({ env, handle: await createDb({ databaseUrl: database.url, poolSize: 4 }) });
    org = await smallOrg(a.make);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('when a resident files through both, then the limit counts them together', async () => {
    const viaA = await a.as(org.people.resident);
    const viaB = await b.as(org.people.resident);
    const file = (c: typeof viaA, i: number) => c.file({ category: 'help', urgency: 'normal', description: `两个进程 ${i}` });
    const replies = await Promise.all([file(viaA, 1), file(viaB, 2), file(viaA, 3), file(viaB, 4), file(viaA, 5), file(viaB, 6)]);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of replies.filter((r) => r.status !== 201)) expectLimited(r);
  });
});
