import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveriesRepository, schema } from '@minhu/db';
import { loadConfig } from '../../apps/api/src/config.js';
import { MAX_ATTEMPTS, createDispatcherService, retryDelayMs } from '../../apps/api/src/services/dispatcher.service.js';
import { createWechatSubscribe } from '../../apps/api/src/services/wechat-subscribe.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

interface SendRequest {
  token: string;
  body: { touser: string; template_id: string; page?: string; data: Record<string, { value: string }>; lang: string };
  errcode: number;
}

/**
 * A stand-in for api.weixin.qq.com's stable_token and subscribe/send. It accepts only its current
 * token (a test replaces it to expire the one the API holds) and answers each openid with the
 * errcodes scripted for it, in order, then 0; 'hang' never answers.
 */
function fakeWechat() {
  const state = {
    token: 'token-1',
    tokenRequests: [] as Record<string, unknown>[],
    sends: [] as SendRequest[],
    script: new Map<string, (number | 'hang')[]>(),
    delayMs: 0,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const answer = (payload: object) => res.setHeader('content-type', 'application/json').end(JSON.stringify(payload));
      if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
        state.tokenRequests.push(body);
        return answer({ access_token: state.token, expires_in: 7200 });
      }
      if (req.method !== 'POST' || url.pathname !== '/cgi-bin/message/subscribe/send') return res.writeHead(404).end('{}');
      const token = url.searchParams.get('access_token')!;
      const next = token === state.token ? (state.script.get(body.touser)?.shift() ?? 0) : 40001;
      if (next === 'hang') return;
      state.sends.push({ token, body, errcode: next });
      setTimeout(() => answer({ errcode: next, errmsg: next ? 'scripted' : 'ok' }), state.delayMs);
    });
  });
  return {
    state,
    server,
    /** Messages WeChat accepted for a ticket's page. */
    delivered: (ticketId: string) => state.sends.filter((s) => s.errcode === 0 && s.body.page?.endsWith(`?id=${ticketId}`)),
    attempts: (ticketId: string) => state.sends.filter((s) => s.body.page?.endsWith(`?id=${ticketId}`)),
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

describe('WeChat subscribe messages from the outbox', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let people: SmallOrg['people'];
  let resident: Client, villager: Client, member: Client, villageMember: Client;
  const wechat = fakeWechat();

  beforeAll(async () => {
    const base = await wechat.start();
    env = {
      WECHAT_API_BASE: base,
      WECHAT_APP_ID: 'wx-test-app',
      WECHAT_APP_SECRET: 'wx-test-secret',
      // Far above what a local answer takes on a loaded machine (300 ms was not: every send timed
      // out there); only the scripted 'hang' waits it out.
      WECHAT_TIMEOUT_MS: '5000',
      WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify({ claimed: 'tmpl-claimed', resolved: 'tmpl-resolved' }),
      // The tokens counted here are the subscribe messages' (content-check.test.ts checks the text).
      WECHAT_CONTENT_CHECK: 'false',
    };
    t = await startTestApp({ env });
    ({ people } = await smallOrg(t.make));
    await t.handle.db.execute(sql`UPDATE users SET wechat_openid = 'o-resident' WHERE id = ${people.resident.id}`);
    await t.handle.db.execute(sql`UPDATE users SET wechat_openid = 'o-villager' WHERE id = ${people.otherResident.id}`);
    [resident, villager, member, villageMember] = [
      await t.as(people.resident),
      await t.as(people.otherResident),
      await t.as(people.member),
      await t.as(people.otherMember),
    ];
  });
  afterAll(async () => {
    await t?.close();
    wechat.server.close();
  });
  beforeEach(() => {
    wechat.state.delayMs = 0;
  });

  /** Files a ticket and has the right member claim it: a 'claimed' notification to the filer. */
  const claimedTicket = async (filer: Client, description: string) => {
    const { body: ticket } = await filer.file({ category: 'supplies', urgency: 'normal', description });
    const claimer = filer === resident ? member : villageMember;
    expect((await claimer.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    return ticket as { id: string; number: string };
  };
  const deliveriesOf = (ticketId: string) =>
    t.handle.db
      .select({ delivery: schema.notificationDeliveries })
      .from(schema.notificationDeliveries)
      .innerJoin(schema.notifications, eq(schema.notifications.id, schema.notificationDeliveries.notificationId))
      .where(eq(schema.notifications.ticketId, ticketId))
      .then((rows) => rows.map((r) => r.delivery));
  const run = () => t.app.services.dispatcher.run(t.clock.now());

  it('when tickets are claimed, then each filer gets one message, with the right template, page and data, on one token', async () => {
    const a = await claimedTicket(resident, '买米');
    const b = await claimedTicket(villager, '买药');
    expect(await deliveriesOf(a.id)).toMatchObject([{ channel: 'wechat', status: 'pending', attempts: 0 }]);

    expect(await run()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(wechat.state.tokenRequests).toEqual([
      { grant_type: 'client_credential', appid: 'wx-test-app', secret: 'wx-test-secret', force_refresh: false },
    ]);
    expect(wechat.delivered(a.id).map((s) => s.body)).toEqual([
      {
        touser: 'o-resident',
        template_id: 'tmpl-claimed',
        page: `pages/ticket/index?id=${a.id}`,
        lang: 'zh_CN',
        data: {
          thing1: { value: '您的求助已签收' },
          // "<member>已签收，正在为您办理。编号 MH-…": 20 characters at most (the member's name has 3).
          thing2: { value: `${people.member.name}已签收，正在为您办理。编号 MH…` },
          time3: { value: '2026年11月28日 10:00' },
          character_string4: { value: a.number },
        },
      },
    ]);
    expect(wechat.delivered(b.id).map((s) => [s.body.touser, s.token])).toEqual([['o-villager', 'token-1']]);
    expect(await deliveriesOf(a.id)).toMatchObject([{ status: 'sent', attempts: 1, sentAt: t.clock.now(), lastError: null }]);

    // Nothing is due any more: nothing goes out again, and the token is reused.
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 0 });
    await claimedTicket(resident, '买面');
    expect(await run()).toMatchObject({ sent: 1 });
    expect(wechat.state.tokenRequests).toHaveLength(1);
    expect(wechat.delivered(a.id)).toHaveLength(1);
  });

  it('when WeChat is busy (-1) or does not answer, then the message is tried again after the back-off, and sent', async () => {
    wechat.state.script.set('o-resident', [-1]);
    wechat.state.script.set('o-villager', ['hang']);
    const busy = await claimedTicket(resident, '买菜');
    const silent = await claimedTicket(villager, '买油');
    const firstTry = t.clock.now();
    expect(await run()).toEqual({ sent: 0, retried: 2, failed: 0 });
    expect(await deliveriesOf(busy.id)).toMatchObject([
      { status: 'pending', attempts: 1, lastError: 'errcode -1: scripted', nextAttemptAt: new Date(firstTry.getTime() + 30_000) },
    ]);
    expect((await deliveriesOf(silent.id))[0]!.lastError).toMatch(/timeout|abort/i);

    t.clock.advance(29_999);
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 0 });
    t.clock.advance(1);
    expect(await run()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(wechat.attempts(busy.id).map((s) => s.errcode)).toEqual([-1, 0]);
    expect(wechat.delivered(silent.id)).toHaveLength(1);
    expect(await deliveriesOf(busy.id)).toMatchObject([{ status: 'sent', attempts: 2 }]);
  });

  it('when the user has not subscribed (43101), then it fails at once and is never retried', async () => {
    wechat.state.script.set('o-villager', [43101]);
    const refused = await claimedTicket(villager, '买盐');
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await deliveriesOf(refused.id)).toMatchObject([{ status: 'failed', attempts: 1, lastError: 'errcode 43101: scripted' }]);
    t.clock.advance(24 * 3600_000);
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(wechat.attempts(refused.id)).toHaveLength(1);
  });

  it('when WeChat keeps failing, then the message is given up after the last attempt', async () => {
    wechat.state.script.set('o-resident', Array(MAX_ATTEMPTS + 1).fill(45009));
    const doomed = await claimedTicket(resident, '买酱油');
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
      t.clock.advance(retryDelayMs(attempt));
    }
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await deliveriesOf(doomed.id)).toMatchObject([{ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'errcode 45009: scripted' }]);
    t.clock.advance(24 * 3600_000);
    await run();
    expect(wechat.attempts(doomed.id)).toHaveLength(MAX_ATTEMPTS);
    wechat.state.script.delete('o-resident');
  });

  it('when the token nears the end of its life, then a fresh one is fetched before sending', async () => {
    await claimedTicket(resident, '买碱');
    await run(); // a day has passed in the tests above: fetches a token, valid 7200 s
    const before = wechat.state.tokenRequests.length;
    t.clock.advance((7200 - 300) * 1000 - 1);
    await claimedTicket(resident, '买花椒');
    await run();
    expect(wechat.state.tokenRequests).toHaveLength(before);
    t.clock.advance(1);
    await claimedTicket(resident, '买八角');
    await run();
    expect(wechat.state.tokenRequests).toHaveLength(before + 1);
  });

  it('when WeChat says the cached token has expired (40001), then it is fetched again once, and the messages go out', async () => {
    const before = wechat.state.tokenRequests.length;
    wechat.state.token = 'token-2';
    const a = await claimedTicket(resident, '买醋');
    const b = await claimedTicket(villager, '买糖');
    // Both are sent in one batch, at once: both hear 40001, one new token serves both.
    expect(await run()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(wechat.state.tokenRequests).toHaveLength(before + 1);
    expect(wechat.attempts(a.id).map((s) => [s.token, s.errcode])).toEqual([
      ['token-1', 40001],
      ['token-2', 0],
    ]);
    expect(wechat.delivered(b.id).map((s) => s.token)).toEqual(['token-2']);
  });

  it('when two processes dispatch at once, then every message goes out exactly once', async () => {
    const tickets = [];
    for (let i = 0; i < 15; i++) {
      tickets.push(await claimedTicket(resident, `并发 ${i}`), await claimedTicket(villager, `并发 ${i}`));
    }
    // Another process: its own adapter (and token cache) on the same database.
    const config = loadConfig({ ...env, JWT_SECRET: 'x'.repeat(40) });
    const other = createDispatcherService({
      deliveries: createDeliveriesRepository(t.handle),
      wechat: createWechatSubscribe(config.wechat),
      templates: config.wechat.subscribeTemplates,
      fields: config.wechat.subscribeFields,
      page: config.wechat.subscribePage,
      timeoutMs: config.wechat.timeoutMs,
    });
    wechat.state.delayMs = 20; // slow enough that the two runs overlap
    const runs = await Promise.all([run(), other.run(t.clock.now())]);
    expect(runs[0].sent + runs[1].sent).toBe(30);
    if (t.handle.kind === 'postgres') expect(Math.min(runs[0].sent, runs[1].sent)).toBeGreaterThan(0);
    for (const ticket of tickets) expect(wechat.attempts(ticket.id)).toHaveLength(1);
    const [left] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending'`);
    expect(left!.n).toBe(0);
  });
});

describe('WeChat sending in the background', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  const wechat = fakeWechat();
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WECHAT_API_BASE: await wechat.start(),
        WECHAT_APP_ID: 'wx-test-app',
        WECHAT_APP_SECRET: 'wx-test-secret',
        WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify({ claimed: 'tmpl-claimed' }),
        NOTIFY_DISPATCH_INTERVAL_MS: '100',
        WECHAT_CONTENT_CHECK: 'false',
      },
      deps: { background: true },
    });
    ({ people } = await smallOrg(t.make));
    await t.handle.db.execute(sql`UPDATE users SET wechat_openid = 'o-resident' WHERE id = ${people.resident.id}`);
  });
  afterAll(async () => {
    await t?.close();
    wechat.server.close();
  });

  it('when WeChat sending is configured, then the API sends the outbox on its own', async () => {
    const resident = await t.as(people.resident);
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'normal', description: '买米' });
    await (await t.as(people.member)).post(`/api/v1/tickets/${ticket.id}/claim`);
    await expect.poll(() => wechat.delivered(ticket.id).length).toBe(1);
  });
});
