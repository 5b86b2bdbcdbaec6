import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONES, XFL_TEAM, startTestApp, type TestApp } from '../support/test-app.js';

/** What the mini-program needs around tickets: picking an address, the profile, who to call. */
describe('organisation for residents and members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(async () => t?.close());

  it('when a new resident picks an address, then they walk community → compound → building → unit', async () => {
    const newcomer = await t.as('15811112222');
    const names = async (parentId?: string) =>
      (await newcomer.get(`/api/v1/areas${parentId ? `?parentId=${parentId}` : ''}`)).body.items.map((a: { name: string }) => a.name);
    expect(await names()).toEqual(['新华区']);
    const compound = await t.ids.area('XH-JSL-XF-XFL');
    // Grids are skipped: the compound lists its buildings.
    expect(await names(compound)).toEqual(['1号楼', '2号楼', '3号楼', '5号楼']);
    expect(await names(await t.ids.area('XH-JSL-XF-XFL-B5'))).toEqual(['1单元', '2单元', '3单元']);
    const search = await newcomer.get(`/api/v1/areas?q=${encodeURIComponent('幸福')}`);
    expect(search.body.items).toEqual([expect.objectContaining({ name: '幸福里小区', parentName: '幸福社区', kind: 'compound' })]);

    const unit = await t.ids.area('XH-JSL-XF-XFL-B5-U3');
    const updated = await newcomer.patch('/api/v1/me', { name: '钱多多', homeAreaId: unit, homeDetail: '702室', specialTags: ['elderly'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: '钱多多', home: { address: '幸福里小区 5号楼 3单元', detail: '702室' }, specialTags: ['elderly'] });

    // Now their first request routes home, raised for an elderly person.
    const filed = await newcomer.file({ category: 'help', urgency: 'normal', description: '帮忙买菜' });
    expect(filed.body).toMatchObject({ urgency: 'urgent', address: '幸福里小区 5号楼 3单元 702室', team: { name: XFL_TEAM } });
  });

  it('when a home is set too coarsely or to nowhere, then 400', async () => {
    const resident = await t.as(PHONES.resident);
    expect((await resident.patch('/api/v1/me', { homeAreaId: await t.ids.area('XH-JSL-XF') })).body.error.code).toBe('ADDRESS_TOO_COARSE');
    expect((await resident.patch('/api/v1/me', { homeAreaId: '00000000-0000-7000-8000-000000000000' })).body.error.code).toBe('UNKNOWN_AREA');
    expect((await resident.patch('/api/v1/me', { specialTags: ['vip'] })).status).toBe(400);
    expect((await resident.patch('/api/v1/me', { isAdmin: true })).status).toBe(400);
  });

  it('tells a resident who to call: their team, the member responsible, the leader', async () => {
    const resident = await t.as(PHONES.resident);
    const { body } = await resident.get('/api/v1/me/contacts');
    expect(body).toEqual({
      team: { id: await t.ids.team(XFL_TEAM), name: XFL_TEAM, phone: '0311-86010001' },
      responsible: { id: await t.ids.user(PHONES.member), name: '陈晓燕', phone: PHONES.member },
      leader: { id: await t.ids.user(PHONES.leader), name: '刘志强', phone: PHONES.leader },
    });
    const nobody = await t.as('15822223333');
    expect((await nobody.get('/api/v1/me/contacts')).body).toEqual({ team: null, responsible: null, leader: null });
  });

  it('lists teams for a transfer and a team’s members for its own people and supervisors only', async () => {
    const leader = await t.as(PHONES.leader);
    const teams = (await leader.get('/api/v1/teams')).body.items as { id: string; name: string }[];
    expect(teams.map((x) => x.name)).toEqual(expect.arrayContaining([XFL_TEAM, '槐树庄民呼我行党员服务队', '西王村红色跑腿队']));
    const xfl = await t.ids.team(XFL_TEAM);
    const members = (await leader.get(`/api/v1/teams/${xfl}/members`)).body.items as { name: string; role: string; active: boolean; availability: string }[];
    expect(members[0]).toMatchObject({ name: '刘志强', role: 'leader' });
    expect(members.find((m) => m.name === '宋晓东')).toMatchObject({ active: true, availability: 'unavailable', backupMemberId: await t.ids.user('13900000012') });
    expect((await (await t.as(PHONES.secretary)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(200);
    expect((await (await t.as(PHONES.otherMember)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(404);
    expect((await (await t.as(PHONES.resident)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(404);
  });
});
