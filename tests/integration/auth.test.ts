import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWechatClient } from '../../apps/api/src/services/wechat-client.js';
import { DEMO_ACCOUNTS } from '../../apps/api/src/demo/demo-accounts.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A stand-in for api.weixin.qq.com's code2session, recording what it was asked. */
function fakeWechat() {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url.searchParams);
    res.setHeader('content-type', 'application/json');
    if (url.pathname !== '/sns/jscode2session') return res.writeHead(404).end('{}');
    const code = url.searchParams.get('js_code');
    if (code === 'slow') return; // never answers
    if (code === 'used') return res.end(JSON.stringify({ errcode: 40163, errmsg: 'code been used' }));
    if (code === 'busy') return res.end(JSON.stringify({ errcode: -1, errmsg: 'system busy' }));
    res.end(JSON.stringify({ openid: `openid-${code}`, session_key: 'sk' }));
  });
  return {
    requests,
    server,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

describe('auth', () => {
  let t: TestApp;
  let org: SmallOrg;
  const wechat = fakeWechat();
  beforeAll(async () => {
    const base = await wechat.start();
    t = await startTestApp({
      env: { WECHAT_API_BASE: base, WECHAT_APP_ID: 'wx-test-app', WECHAT_APP_SECRET: 'wx-test-secret', WECHAT_TIMEOUT_MS: '5000' },
    });
    org = await smallOrg(t.make);
  });
  afterAll(async () => {
    await t?.close();
    wechat.server.close();
  });

  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload });

  it('when a WeChat code is exchanged, then the same WeChat user gets the same account each time', async () => {
    const first = await post('/api/v1/auth/wechat', { code: 'abc' });
    expect(first.statusCode).toBe(200);
    const second = await post('/api/v1/auth/wechat', { code: 'abc' });
    expect(second.json().user.id).toBe(first.json().user.id);
    expect(first.json().user).toMatchObject({ name: '微信用户', roles: ['resident'], home: null });
    const asked = wechat.requests.at(-1)!;
    expect(Object.fromEntries(asked)).toEqual({
      appid: 'wx-test-app',
      secret: 'wx-test-secret',
      js_code: 'abc',
      grant_type: 'authorization_code',
    });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${first.json().accessToken}` } });
    expect(me.json().id).toBe(first.json().user.id);
  });

  it('when WeChat refuses the code, then 401; when it fails or hangs, then 502 and the user may retry', async () => {
    const used = await post('/api/v1/auth/wechat', { code: 'used' });
    expect(used.statusCode).toBe(401);
    expect(used.json().error.code).toBe('WECHAT_CODE_INVALID');
    expect((await post('/api/v1/auth/wechat', { code: 'busy' })).json().error.code).toBe('WECHAT_ERROR');
    const slow = await post('/api/v1/auth/wechat', { code: 'slow' });
    expect(slow.statusCode).toBe(502);
    expect(slow.json().error.code).toBe('WECHAT_UNAVAILABLE');
  });

  it('when WeChat is not configured, then the adapter says so', async () => {
    const client = createWechatClient({ apiBase: 'http://127.0.0.1:9', appId: undefined, appSecret: undefined, timeoutMs: 100 });
    await expect(client.code2session('x')).rejects.toMatchObject({ statusCode: 503, code: 'WECHAT_NOT_CONFIGURED' });
  });

  it('when a refresh token is used, then new tokens come back and the old one stops working', async () => {
    const login = (await post('/api/v1/auth/dev', { phone: org.people.member.phone })).json();
    const refreshed = await post('/api/v1/auth/refresh', { refreshToken: login.refreshToken });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().refreshToken).not.toBe(login.refreshToken);
    expect(refreshed.json().user.id).toBe(login.user.id);

    // Reusing the spent token is treated as theft: it fails, and so does the one it was swapped for.
    const reused = await post('/api/v1/auth/refresh', { refreshToken: login.refreshToken });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await post('/api/v1/auth/refresh', { refreshToken: refreshed.json().refreshToken })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: 'made-up' })).statusCode).toBe(401);
  });

  it('when people sign in, then /me tells their roles, teams, areas and home', async () => {
    const { people, teams, areas } = org;
    const me = async (who: { phone: string }) => {
      const login = (await post('/api/v1/auth/dev', { phone: who.phone })).json();
      return (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${login.accessToken}` } })).json();
    };
    expect(await me(people.resident)).toMatchObject({
      name: people.resident.name,
      roles: ['resident'],
      teams: [],
      home: { address: '春晖小区 3号楼 2单元', detail: '502室' },
    });
    expect((await me(people.otherResident)).specialTags).toEqual(['elderly', 'living_alone']);
    expect(await me(people.leader)).toMatchObject({
      roles: ['resident', 'member', 'leader'],
      teams: [{ name: teams.compound.name, role: 'leader' }],
    });
    const member = await me(people.member);
    expect(member.roles).toEqual(['resident', 'member']);
    expect(member.teams.map((x: { name: string }) => x.name).sort()).toEqual([teams.medical.name, teams.compound.name].sort());
    expect(await me(people.secretary)).toMatchObject({ roles: expect.arrayContaining(['secretary']), areas: [{ name: areas.community.name, kind: 'community' }] });
    expect((await me(people.admin)).roles).toContain('admin');
  });

  it('when a phone number is malformed, then 400; a new number becomes a new resident', async () => {
    expect((await post('/api/v1/auth/dev', { phone: '123' })).statusCode).toBe(400);
    const fresh = await post('/api/v1/auth/dev', { phone: '15000000000' });
    expect(fresh.json().user).toMatchObject({ name: '居民0000', roles: ['resident'], home: null });
  });

  it('lists the demo accounts for the demo login screen', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/v1/auth/dev/accounts' });
    expect(reply.json().items.map((a: { phone: string }) => a.phone)).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.phone)));
  });
});

describe('auth in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => t?.close());

  it('when the dev login is not switched on, then it does not exist', async () => {
    const reply = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev', payload: { phone: '13600000001' } });
    expect(reply.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/dev/accounts' })).statusCode).toBe(404);
  });
});
