import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/** Bad input gets the contract's error shape with the right status, and changes nothing. */
describe('bad input', () => {
  let t: TestApp;
  let org: SmallOrg;
  let resident: Client;
  let ticketCount: () => Promise<number>;
  const valid = { category: 'medicine', urgency: 'normal', description: '需要感冒药' };

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    resident = await t.as(org.people.resident);
    ticketCount = async () => (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets`))[0]!.n;
  });
  afterAll(async () => t?.close());

  const expectError = (reply: { status: number; body: any }, status: number, code: string) => {
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(reply.body.error.message.length).toBeGreaterThan(0);
  };

  const badBodies: [string, Record<string, unknown>, string][] = [
    ['unknown category', { ...valid, category: 'food' }, 'category'],
    ['unknown urgency', { ...valid, urgency: 'asap' }, 'urgency'],
    ['an unknown field', { ...valid, priority: 1 }, 'priority'],
    ['an unknown field in an item', { ...valid, items: [{ name: '药', quantity: 1, price: 3 }] }, 'items.0.price'],
    ['an empty description', { ...valid, description: '' }, 'description'],
    ['a description over 2000 characters', { ...valid, description: '药'.repeat(2001) }, 'description'],
    ['a zero quantity', { ...valid, items: [{ name: '药', quantity: 0 }] }, 'items.0.quantity'],
    ['a negative quantity', { ...valid, items: [{ name: '药', quantity: -2 }] }, 'items.0.quantity'],
    ['more than 50 items', { ...valid, items: Array.from({ length: 51 }, (_, i) => ({ name: `物品${i}`, quantity: 1 })) }, 'items'],
    ['a malformed area id', { ...valid, areaId: '12345' }, 'areaId'],
    ['a malformed phone', { ...valid, contactPhone: '12345' }, 'contactPhone'],
    ['a missing description', { category: 'help', urgency: 'normal' }, 'description'],
    ['an attachment id that is not an id', { ...valid, attachments: ['photo.jpg'] }, 'attachments.0'],
  ];

  it.each(badBodies)('when a ticket has %s, then 400 naming the field, and nothing is created', async (_name, body, field) => {
    const before = await ticketCount();
    const reply = await resident.file(body);
    expectError(reply, 400, 'VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await ticketCount()).toBe(before);
  });

  it('when a field is wrong, then the message names it in Chinese, with its machine name beside (issue 16.7)', async () => {
    const missing = await resident.file({ category: 'help', urgency: 'normal' });
    expect(missing.body.error.message).toBe('缺少必填项：「求助内容」 (description)');
    const item = await resident.file({ ...valid, items: [{ name: '药', quantity: 0 }] });
    expect(item.body.error.message).toBe('「物品第 1 项的数量」 (items.0.quantity) 必须大于 0');
    const page = await resident.get('/api/v1/tickets?limit=101');
    expect(page.body.error.message).toBe('查询参数 「每页条数」 (limit) 不能超过 100');
    expect(page.body.error.details[0].field).toBe('查询参数 limit');
  });

  it('when several fields are wrong, then every one of details[] says in Chinese what is wrong with it', async () => {
    const reply = await resident.file({ category: 'nonsense', urgency: 'normal', description: '', contactPhone: '12345', extra: 1 });
    expectError(reply, 400, 'VALIDATION_ERROR');
    const details = reply.body.error.details as { field: string; rule: string; message: string }[];
    expect(details.length).toBeGreaterThanOrEqual(3);
    for (const d of details) {
      expect(d.message, JSON.stringify(d)).toMatch(/[\u4e00-\u9fa5]/);
      // Ajv's English ("must be equal to one of the allowed values") is not what a person reads.
      expect(d.message, JSON.stringify(d)).not.toMatch(/\bmust\b/);
    }
    expect(details.find((d) => d.rule === 'additionalProperties')?.message).toBe('不认识的字段：「extra」');
  });

  it('when the description is exactly 2000 characters and there are 50 items, then it is accepted', async () => {
    const reply = await resident.file({
      ...valid,
      description: '药'.repeat(2000),
      items: Array.from({ length: 50 }, (_, i) => ({ name: `物品${i}`, quantity: 0.5 })),
    });
    expect(reply.status).toBe(201);
    expect(reply.body.items).toHaveLength(50);
  });

  it('when the Idempotency-Key header is missing, then 400 and nothing is created', async () => {
    const before = await ticketCount();
    const reply = await resident.post('/api/v1/tickets', valid);
    expectError(reply, 400, 'VALIDATION_ERROR');
    expect(reply.body.error.message).toContain('idempotency-key');
    expect(await ticketCount()).toBe(before);
  });

  it('when the body is over 1 MB, then 413', async () => {
    const before = await ticketCount();
    const reply = await resident.file({ ...valid, description: 'x'.repeat(1024 * 1024 + 10) });
    expectError(reply, 413, 'PAYLOAD_TOO_LARGE');
    expect(await ticketCount()).toBe(before);
  });

  it('when the body is not JSON, then 400', async () => {
    const reply = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { authorization: `Bearer ${resident.token}`, 'content-type': 'application/json', 'idempotency-key': 'k' },
      payload: '{"category": ',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error.code).toBe('INVALID_JSON');
  });

  it('when the area does not exist or is too coarse, then 400 with a clear code', async () => {
    expectError(await resident.file({ ...valid, areaId: '00000000-0000-7000-8000-000000000000' }), 400, 'UNKNOWN_AREA');
    expectError(await resident.file({ ...valid, areaId: org.areas.community.id }), 400, 'ADDRESS_TOO_COARSE');
  });

  it('when an attachment was never uploaded, then 400 and nothing is created', async () => {
    const before = await ticketCount();
    expectError(await resident.file({ ...valid, attachments: ['00000000-0000-7000-8000-000000000000'] }), 400, 'UNKNOWN_ATTACHMENT');
    expect(await ticketCount()).toBe(before);
  });

  it('when a new resident has no address and gives none, then 400 asking for one', async () => {
    const stranger = await t.as('13812345678');
    expectError(await stranger.file(valid), 400, 'ADDRESS_REQUIRED');
  });

  it('when ids in paths are malformed, then 400; when unknown, then 404', async () => {
    expectError(await resident.get('/api/v1/tickets/not-an-id'), 400, 'VALIDATION_ERROR');
    expectError(await resident.post('/api/v1/tickets/1/claim'), 400, 'VALIDATION_ERROR');
    expectError(await resident.get('/api/v1/tickets/00000000-0000-7000-8000-000000000000'), 404, 'NOT_FOUND');
  });

  it('when action bodies are wrong, then 400 and the ticket is unchanged', async () => {
    const { body: ticket } = await resident.file(valid);
    const member = await t.as(org.people.member);
    await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/resolve`, {}), 400, 'VALIDATION_ERROR');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/note`, { text: '' }), 400, 'VALIDATION_ERROR');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/start`, { version: 0 }), 400, 'VALIDATION_ERROR');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/start`, { force: true }), 400, 'VALIDATION_ERROR');
    expectError(await resident.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 6 }), 400, 'VALIDATION_ERROR');
    const leader = await t.as(org.people.leader);
    expectError(await leader.post(`/api/v1/tickets/${ticket.id}/assign`, { assigneeId: resident.userId }), 400, 'NOT_A_MEMBER');
    expectError(
      await leader.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: '00000000-0000-7000-8000-000000000000', reason: '试试' }),
      400,
      'UNKNOWN_TEAM',
    );
    expectError(await leader.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: ticket.teamId, reason: '试试' }), 400, 'SAME_TEAM');
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket).toMatchObject({ status: 'claimed', version: 2 });
  });

  it('when an action is posted with no body at all, then it is taken as {}', async () => {
    const { body: ticket } = await resident.file(valid);
    const member = await t.as(org.people.member);
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/claim`,
      headers: { authorization: `Bearer ${member.token}` },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().status).toBe('claimed');
  });

  it('when a list query is wrong, then 400', async () => {
    expectError(await resident.get('/api/v1/tickets?limit=101'), 400, 'VALIDATION_ERROR');
    expectError(await resident.get('/api/v1/tickets?status=open'), 400, 'VALIDATION_ERROR');
    expectError(await resident.get('/api/v1/tickets?sort=due'), 400, 'VALIDATION_ERROR');
    expectError(await resident.get('/api/v1/tickets?cursor=garbage'), 400, 'INVALID_CURSOR');
  });

  describe('input that once made a 500 (issue 16)', () => {
    const texts: [string, string][] = [
      ['NUL', 'a\u0000b'],
      ['a lone high surrogate', 'a\uD800b'],
      ['a lone low surrogate', '\uDC00'],
    ];

    it.each(texts)('when text carries %s, then every text field refuses it with 400 naming the field, and nothing is saved', async (_name, bad) => {
      const before = await ticketCount();
      const cases: [Record<string, unknown>, string][] = [
        [{ ...valid, description: bad }, 'description'],
        [{ ...valid, contactName: bad }, 'contactName'],
        [{ ...valid, items: [{ name: bad, quantity: 1 }] }, 'items.0.name'],
        [{ ...valid, items: [{ name: '药', quantity: 1, unit: bad }] }, 'items.0.unit'],
        [{ ...valid, beneficiary: { name: bad, areaId: org.areas.building3.id } }, 'beneficiary.name'],
      ];
      for (const [body, field] of cases) {
        const reply = await resident.file(body);
        expectError(reply, 400, 'VALIDATION_ERROR');
        expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expectError(await resident.file(valid, `key${bad}`), 400, 'VALIDATION_ERROR');
      expect(await ticketCount()).toBe(before);
      expectError(await resident.patch('/api/v1/me', { name: bad }), 400, 'VALIDATION_ERROR');
      expectError(await resident.get('/api/v1/areas?q=a%00b'), 400, 'VALIDATION_ERROR');
      const { body: ticket } = await resident.file(valid);
      expectError(await resident.post(`/api/v1/tickets/${ticket.id}/cancel`, { reason: bad }), 400, 'VALIDATION_ERROR');
      const leader = await t.as(org.people.leader);
      expectError(await leader.put(`/api/v1/teams/${org.teams.compound.id}`, { name: bad }), 400, 'VALIDATION_ERROR');
    });

    it('when text has real characters beyond the BMP (emoji, rare hanzi), then it is accepted as sent', async () => {
      const reply = await resident.file({ ...valid, description: '需要药 😀 𠀀' });
      expect(reply.status).toBe(201);
      expect(reply.body.description).toBe('需要药 😀 𠀀');
    });

    it('when a number is past any range (limit=1e309, before=2^63, version 2^63), then 400, not 500', async () => {
      expectError(await resident.get('/api/v1/tickets?limit=1e309'), 400, 'VALIDATION_ERROR');
      expectError(await resident.get('/api/v1/notifications?limit=Infinity'), 400, 'VALIDATION_ERROR');
      const admin = await t.as(org.people.admin);
      expectError(await admin.get('/api/v1/audit?before=9223372036854775808'), 400, 'VALIDATION_ERROR');
      expectError(await admin.get('/api/v1/audit?before=1e309'), 400, 'VALIDATION_ERROR');
      const { body: ticket } = await resident.file(valid);
      const member = await t.as(org.people.member);
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/claim`,
        headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' },
        payload: '{"version": 9223372036854775808}',
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().error.code).toBe('VALIDATION_ERROR');
    });

    it('when an upload is a broken multipart body or has no boundary, then 400 or 415, not 500', async () => {
      const upload = (contentType: string, payload: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { authorization: `Bearer ${resident.token}`, 'content-type': contentType }, payload });
      const part = '--B\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG';
      for (const [contentType, payload] of [
        ['multipart/form-data; boundary=B', part],
        ['multipart/form-data; boundary=B', 'garbage'],
        ['multipart/form-data', `${part}\r\n--B--\r\n`],
        ['multipart/form-data; boundary=B', '--B\r\nContent-Disposition'],
      ] as const) {
        const reply = await upload(contentType, payload);
        expect([400, 415], payload).toContain(reply.statusCode);
        expect(reply.json().error.message.length).toBeGreaterThan(0);
      }
    });

    it('when PUT /teams/:id or a member change is empty, then 400 and nothing is audited', async () => {
      const leader = await t.as(org.people.leader);
      const secretary = await t.as(org.people.secretary);
      expectError(await secretary.put(`/api/v1/teams/${org.teams.compound.id}`, {}), 400, 'VALIDATION_ERROR');
      expectError(await leader.put(`/api/v1/teams/${org.teams.compound.id}/members/${org.people.member.id}`, {}), 400, 'VALIDATION_ERROR');
    });

    it('when the path is not valid percent-encoding or a parameter is over-long, then 400 or 414 in the contract shape', async () => {
      const bad = await resident.get('/api/v1/tickets/%E0%A4%A');
      expectError(bad, 400, 'BAD_REQUEST');
      const long = await resident.get(`/api/v1/tickets/${'x'.repeat(200)}`);
      expectError(long, 414, 'URI_TOO_LONG');
    });

    it('when a statement fails, then the log names its SQLSTATE and statement, never its parameters', async () => {
      const { safeError } = await import('../../apps/api/src/plugins/log-safe.js');
      const error = await t.handle
        .rows(sql`SELECT * FROM users WHERE phone = ${'13912345678'} AND id = ${'not-a-uuid-13912345678'}::uuid`)
        .then(() => null, (e: unknown) => e);
      expect(error).not.toBeNull();
      const logged = JSON.stringify(safeError(error));
      expect(logged).not.toContain('13912345678');
      expect(JSON.parse(logged)).toMatchObject({ sqlstate: '22P02', statement: 'select users' });
      // Other errors keep their message.
      expect(safeError(new Error('boom')).message).toBe('boom');
    });
  });

  describe('tokens', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (payload: object, secret: string, alg = 'HS256') => {
      const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
      return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
    };
    const secret = 'test-secret-that-is-long-enough-0123456789';
    const call = (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    // The app's clock, which the test moves: tokens are checked against it, not the wall clock.
    const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);

    it('when no token is sent, then 401', async () => {
      const reply = await t.app.inject({ method: 'GET', url: '/api/v1/tickets' });
      expect(reply.statusCode).toBe(401);
      expect(reply.json().error).toEqual({ code: 'UNAUTHORIZED', message: '请先登录。' });
    });

    it('when the token has expired, then 401 TOKEN_EXPIRED', async () => {
      const token = sign({ sub: resident.userId, typ: 'access', iat: nowSeconds() - 3600, exp: nowSeconds() - 60 }, secret);
      const reply = await call(token);
      expect(reply.statusCode).toBe(401);
      expect(reply.json().error.code).toBe('TOKEN_EXPIRED');
    });

    it('when a token accepted a moment ago expires, then it is refused (its check is kept only until then)', async () => {
      const exp = nowSeconds() + 60;
      const token = sign({ sub: resident.userId, typ: 'access', iat: nowSeconds(), exp }, secret);
      expect((await call(token)).statusCode).toBe(200);
      t.clock.advance(59_000);
      expect((await call(token)).statusCode).toBe(200);
      t.clock.advance(1_000);
      const reply = await call(token);
      expect(reply.statusCode).toBe(401);
      expect(reply.json().error.code).toBe('TOKEN_EXPIRED');
    });

    it('when the header is not a bearer token, then 401', async () => {
      const good = sign({ sub: resident.userId, typ: 'access', iat: nowSeconds(), exp: nowSeconds() + 600 }, secret);
      for (const authorization of [good, `Basic ${good}`, 'Bearer', `Bearer ${good} extra`]) {
        const reply = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
        expect(reply.statusCode).toBe(401);
        expect(reply.json().error.code).toBe('UNAUTHORIZED');
      }
      expect((await call(good)).statusCode).toBe(200);
    });

    it('when a correctly signed token names no person (sub not a UUID, or missing), then 401, not 500', async () => {
      for (const sub of ['not-a-uuid', "1' OR '1'='1", 42, undefined]) {
        const reply = await call(sign({ sub, typ: 'access', iat: nowSeconds(), exp: nowSeconds() + 600 }, secret));
        expect(reply.statusCode, String(sub)).toBe(401);
        expect(reply.json().error.code).toBe('UNAUTHORIZED');
      }
    });

    it('when the token has no expiry, then 401', async () => {
      expect((await call(sign({ sub: resident.userId, typ: 'access', iat: nowSeconds() }, secret))).statusCode).toBe(401);
    });

    it('when the token is forged with another secret, unsigned, or garbage, then 401', async () => {
      const payload = { sub: resident.userId, typ: 'access', iat: nowSeconds(), exp: nowSeconds() + 600 };
      expect((await call(sign(payload, 'another-secret-entirely-0123456789abc'))).statusCode).toBe(401);
      expect((await call(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`)).statusCode).toBe(401);
      expect((await call('not.a.token')).statusCode).toBe(401);
      // The right secret and a real user works: the forgery checks above are not vacuous.
      expect((await call(sign(payload, secret))).statusCode).toBe(200);
    });

    it('when a refresh token is used as an access token, then 401', async () => {
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev', payload: { phone: org.people.resident.phone } });
      expect((await call(login.json().refreshToken)).statusCode).toBe(401);
    });
  });
});
