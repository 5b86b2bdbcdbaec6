import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What the mini-program needs around tickets: picking an address, the profile, who to call. */
describe('organisation for residents and members', () => {
  let t: TestApp;
  let areas: SmallOrg['areas'], teams: SmallOrg['teams'], people: SmallOrg['people'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ areas, teams, people } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  it('when a new resident picks an address, then they walk community → compound → building → unit', async () => {
    const newcomer = await t.as('15811112222');
    const names = async (parentId?: string) =>
      (await newcomer.get(`/api/v1/areas${parentId ? `?parentId=${parentId}` : ''}`)).body.items.map((a: { name: string }) => a.name);
    expect(await names()).toEqual(['长安区']);
    // Grids are skipped: the compound lists its buildings (1号楼 in one grid, 3号楼 and 5号楼 in another).
    expect(await names(areas.compound.id)).toEqual(['1号楼', '3号楼', '5号楼']);
    expect(await names(areas.building5.id)).toEqual(['1单元', '2单元', '3单元']);
    const search = await newcomer.get(`/api/v1/areas?q=${encodeURIComponent('春晖')}`);
    expect(search.body.items).toEqual([expect.objectContaining({ name: '春晖小区', parentName: '春晖社区', kind: 'compound' })]);

    const unit = areas.building5.units[2]!.id;
    const updated = await newcomer.patch('/api/v1/me', { name: '钱多多', homeAreaId: unit, homeDetail: '702室', specialTags: ['elderly'] });
    expect(updated.status).toBe(200);
    // Declared tags wait for verification (tests/integration/people.test.ts): no priority yet.
    expect(updated.body).toMatchObject({ name: '钱多多', home: { address: '春晖小区 5号楼 3单元', detail: '702室' }, specialTags: [], pendingTags: ['elderly'] });

    // Now their first request routes home, at the urgency they chose.
    const filed = await newcomer.file({ category: 'help', urgency: 'normal', description: '帮忙买菜' });
    expect(filed.body).toMatchObject({ urgency: 'normal', address: '春晖小区 5号楼 3单元 702室', team: { name: teams.compound.name } });
  });

  it('when a home is set too coarsely or to nowhere, then 400', async () => {
    const resident = await t.as(people.resident);
    expect((await resident.patch('/api/v1/me', { homeAreaId: areas.community.id })).body.error.code).toBe('ADDRESS_TOO_COARSE');
    expect((await resident.patch('/api/v1/me', { homeAreaId: '00000000-0000-7000-8000-000000000000' })).body.error.code).toBe('UNKNOWN_AREA');
    expect((await resident.patch('/api/v1/me', { specialTags: ['vip'] })).status).toBe(400);
    expect((await resident.patch('/api/v1/me', { isAdmin: true })).status).toBe(400);
  });

  it('tells a resident who to call: their team, the member responsible, the leader', async () => {
    const resident = await t.as(people.resident);
    const { body } = await resident.get('/api/v1/me/contacts');
    const { member, leader } = people;
    expect(body).toEqual({
      team: { id: teams.compound.id, name: teams.compound.name, phone: '0311-80000001' },
      responsible: { id: member.id, name: member.name, phone: member.phone },
      leader: { id: leader.id, name: leader.name, phone: leader.phone },
    });
    const nobody = await t.as('15822223333');
    expect((await nobody.get('/api/v1/me/contacts')).body).toEqual({ team: null, responsible: null, leader: null });
  });

  it('lists teams for a transfer and a team’s members for its own people and supervisors only', async () => {
    const leader = await t.as(people.leader);
    const listed = (await leader.get('/api/v1/teams')).body.items as { id: string; name: string }[];
    expect(listed.map((x) => x.name)).toEqual(expect.arrayContaining([teams.compound.name, teams.village.name, teams.otherCompound.name]));
    const xfl = teams.compound.id;
    const members = (await leader.get(`/api/v1/teams/${xfl}/members`)).body.items as { name: string; role: string; active: boolean; availability: string }[];
    expect(members[0]).toMatchObject({ name: people.leader.name, role: 'leader' });
    expect(members.find((m) => m.name === people.away.name)).toMatchObject({ active: true, availability: 'unavailable', backupMemberId: people.member2.id });
    expect((await (await t.as(people.secretary)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(200);
    expect((await (await t.as(people.otherMember)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(404);
    expect((await (await t.as(people.resident)).get(`/api/v1/teams/${xfl}/members`)).status).toBe(404);
  });
});
