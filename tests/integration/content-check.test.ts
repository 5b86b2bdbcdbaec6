import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const HELD = '（内容待队长审核后显示）';

/**
 * A stand-in for api.weixin.qq.com's stable_token and msgSecCheck (v2): text with 违禁 is risky,
 * with 待审 review, with 掉线 is answered 500 and with 卡住 never; anything else passes.
 */
function fakeWechat() {
  const checks: { token: string; body: { content: string; version: number; scene: number; openid: string } }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const answer = (payload: object) => res.setHeader('content-type', 'application/json').end(JSON.stringify(payload));
      if (url.pathname === '/cgi-bin/stable_token') return answer({ access_token: 'token-1', expires_in: 7200 });
      if (url.pathname !== '/wxa/msg_sec_check') return res.writeHead(404).end('{}');
      checks.push({ token: url.searchParams.get('access_token')!, body });
      const text = String(body.content);
      if (text.includes('卡住')) return;
      if (text.includes('掉线')) return res.writeHead(500).end('{}');
      const suggest = text.includes('违禁') ? 'risky' : text.includes('待审') ? 'review' : 'pass';
      return answer({ errcode: 0, errmsg: 'ok', result: { suggest, label: suggest === 'pass' ? 100 : 20001 }, trace_id: 'x' });
    });
  });
  return { server, checks, start: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))) };
}

describe('content safety (WeChat msgSecCheck v2)', () => {
  const wechat = fakeWechat();
  let t: TestApp;
  let org: SmallOrg;
  let resident: Client;
  let member: Client;
  let leader: Client;

  beforeAll(async () => {
    const port = await wechat.start();
    t = await startTestApp({
      // The timeout is far above what a local answer takes on a loaded machine (at 300 ms a risky
      // text could go unchecked there); only the check that never answers (卡住) waits it out.
      env: { WECHAT_API_BASE: `http://127.0.0.1:${port}`, WECHAT_APP_ID: 'wx-test', WECHAT_APP_SECRET: 'secret', WECHAT_CONTENT_CHECK_TIMEOUT_MS: '5000' },
    });
    org = await smallOrg(t.make);
    // Signed in through WeChat: they have openids (the check is asked with the author's).
    for (const [person, openid] of [[org.people.resident, 'openid-resident'], [org.people.member, 'openid-member']] as const) {
      await t.handle.rows(sql`UPDATE users SET wechat_openid = ${openid} WHERE id = ${person.id}::uuid`);
    }
    resident = await t.as(org.people.resident);
    member = await t.as(org.people.member);
    leader = await t.as(org.people.leader);
  });
  afterAll(async () => {
    await t?.close();
    wechat.server.close();
  });

  const file = (description: string, urgency = 'normal') => resident.file({ category: 'help', urgency, description });
  const seen = async (c: Client, id: string) => (await c.get(`/api/v1/tickets/${id}`)).body;

  it('when a description is risky, then it is filed but held: the team sees the placeholder until the leader releases it', async () => {
    const filed = await file('帮忙买药 违禁内容');
    expect(filed.status).toBe(201);
    const asked = wechat.checks.at(-1)!;
    expect(asked).toEqual({ token: 'token-1', body: { content: '帮忙买药 违禁内容', version: 2, scene: 2, openid: 'openid-resident' } });
    // Its author reads what she wrote.
    expect(filed.body).toMatchObject({ description: '帮忙买药 违禁内容', contentHeld: true });
    expect((await seen(member, filed.body.id)).ticket).toMatchObject({ description: HELD, contentHeld: true, contentCheck: 'risky' });
    const asLeader = (await seen(leader, filed.body.id)).ticket;
    expect(asLeader).toMatchObject({ description: '帮忙买药 违禁内容', contentHeld: true });
    expect(asLeader.actions).toContain('releaseContent');
    // The members' notice does not carry it either.
    const notice = ((await member.get('/api/v1/notifications')).body.items as { ticketId: string; body: string }[]).find((n) => n.ticketId === filed.body.id);
    expect(notice?.body ?? '').not.toContain('违禁');
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/content/release`)).status).toBe(403);
    const released = await leader.post(`/api/v1/tickets/${filed.body.id}/content/release`);
    expect(released.status).toBe(200);
    expect((await seen(member, filed.body.id)).ticket).toMatchObject({ description: '帮忙买药 违禁内容', contentHeld: false });
    expect((await seen(leader, filed.body.id)).events.map((e: { type: string }) => e.type)).toContain('content_released');
    // Nothing left to release.
    expect((await leader.post(`/api/v1/tickets/${filed.body.id}/content/release`)).status).toBe(409);
  });

  it('when an emergency is risky, then it is filed, not held, and flagged to the team', async () => {
    const filed = await file('违禁 老人摔倒了', 'emergency');
    expect(filed.status).toBe(201);
    expect((await seen(member, filed.body.id)).ticket).toMatchObject({ description: '违禁 老人摔倒了', contentHeld: false, contentCheck: 'risky' });
  });

  it('when the text passes or is for review, then nothing is held; the check is recorded for the team only', async () => {
    const passed = await file('帮忙买米');
    expect((await seen(member, passed.body.id)).ticket).toMatchObject({ contentHeld: false, contentCheck: 'pass' });
    expect(passed.body.contentCheck).toBeUndefined();
    const review = await file('待审 的内容');
    expect((await seen(member, review.body.id)).ticket).toMatchObject({ contentHeld: false, contentCheck: 'review', description: '待审 的内容' });
  });

  it('when WeChat is down or does not answer, then filing goes on unchecked', async () => {
    for (const text of ['帮忙 掉线', '帮忙 卡住']) {
      const filed = await file(text);
      expect(filed.status, text).toBe(201);
      expect((await seen(member, filed.body.id)).ticket).toMatchObject({ contentHeld: false, contentCheck: null, description: text });
    }
  });

  it('when a member’s note is risky, then the resident sees the placeholder until the leader releases it', async () => {
    const filed = await file('帮忙买菜');
    await member.post(`/api/v1/tickets/${filed.body.id}/claim`);
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/note`, { text: '违禁 的办理记录' })).status).toBe(200);
    const note = (c: Record<string, any>) => c.events.find((e: { type: string }) => e.type === 'note').data.text;
    expect(note(await seen(resident, filed.body.id))).toBe(HELD);
    expect(note(await seen(member, filed.body.id))).toBe('违禁 的办理记录');
    expect(note(await seen(leader, filed.body.id))).toBe('违禁 的办理记录');
    expect((await leader.post(`/api/v1/tickets/${filed.body.id}/content/release`)).status).toBe(200);
    expect(note(await seen(resident, filed.body.id))).toBe('违禁 的办理记录');
  });

  it('when the author has no openid (never signed in through WeChat), then WeChat is not asked', async () => {
    const before = wechat.checks.length;
    const other = await t.as(org.people.otherCompoundResident);
    const filed = await other.file({ category: 'help', urgency: 'normal', description: '违禁 但没有 openid' });
    expect(filed.status).toBe(201);
    expect(wechat.checks.length).toBe(before);
    expect(filed.body.contentHeld).toBe(false);
  });
});
