import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWriteRepository, newId } from '@minhu/db';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The people register (GET /people, PUT /people/:id/tags) and self-declared tags (PATCH /me). */
describe('the people register', () => {
  let t: TestApp;
  let org: SmallOrg;
  /** 孙桂英: in the ledger at 1号楼 2单元, elderly, living alone, no phone, never used the app. */
  let noPhone: { id: string; name: string };
  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    const write = createOrgWriteRepository(t.handle);
    const id = newId();
    await t.handle.db.transaction((tx) =>
      write.insertPerson(
        tx,
        { id, name: '孙桂英', phone: null, code: 'CH-0001', homeAreaId: org.areas.building1.units[1]!.id, homeDetail: '102室', specialTags: ['elderly', 'living_alone'], isAdmin: false },
        t.clock.now(),
      ),
    );
    noPhone = { id, name: '孙桂英' };
    // Her own 包保 is 吴小燕, not 郑文涛 who answers for her building.
    await t.make.responsible(org.teams.compound, org.people.member, { ...org.people.resident, id, name: '孙桂英' });
  });
  afterAll(async () => t?.close());

  type P = { id: string; name: string; phone: string | null; address: string; specialTags: string[]; pendingTags: string[]; tagsVerified: boolean; hasApp: boolean; notifyBy: string; responsibleMemberId: string | null; openTickets: number };
  const all = async (who: { get: (url: string) => Promise<{ status: number; body: any }> }, query: string) => {
    const items: P[] = [];
    let cursor: string | null = null;
    do {
      const reply = await who.get(`/api/v1/people?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.status).toBe(200);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor);
    return items;
  };
  const named = (items: P[], name: string) => items.find((p) => p.name === name);

  it('when a member of a compound team lists its compound, then they see who lives there, with tags, 包保 and masked phones except those they answer for', async () => {
    const member2 = await t.as(org.people.member2);
    const items = await all(member2, `areaId=${org.areas.compound.id}`);
    const names = items.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['孙大伟', '钱秀英', '孙桂英', '周志明', '吴小燕']));
    expect(names).not.toContain('赵静');
    expect(names).not.toContain('何桂兰');

    const neighbour = named(items, '钱秀英')!;
    expect(neighbour).toMatchObject({ phone: '13600000101', responsibleMemberId: org.people.member2.id, tagsVerified: true, specialTags: ['elderly', 'living_alone', 'chronic_illness'] });
    // 孙大伟 is 吴小燕's (3号楼), not 郑文涛's: masked for him.
    expect(named(items, '孙大伟')).toMatchObject({ phone: '136****0001', responsibleMemberId: org.people.member.id });
    // Without a phone or the app, nobody can be told but by a visit; her own 包保 comes before her building's.
    expect(named(items, '孙桂英')).toMatchObject({ phone: null, hasApp: false, notifyBy: 'none', responsibleMemberId: org.people.member.id, address: '春晖小区 1号楼 2单元 102室' });
  });

  it('when the leader, an admin or a secretary lists the register, then the leader and admin see phones in full and the secretary masked', async () => {
    const leader = await t.as(org.people.leader);
    expect(named(await all(leader, `areaId=${org.areas.compound.id}`), '孙大伟')!.phone).toBe('13600000001');
    const admin = await t.as(org.people.admin);
    expect(named(await all(admin, `areaId=${org.areas.compound.id}`), '孙大伟')!.phone).toBe('13600000001');
    const secretary = await t.as(org.people.secretary);
    const seen = await all(secretary, `areaId=${org.areas.community.id}`);
    expect(named(seen, '孙大伟')!.phone).toBe('136****0001');
    expect(named(seen, '何桂兰')).toBeDefined();
    expect(named(seen, '赵静')).toBeUndefined();
  });

  it('when someone signed in once, then they have the app and are told by it', async () => {
    const resident = await t.as(org.people.resident);
    expect(resident.userId).toBe(org.people.resident.id);
    const leader = await t.as(org.people.leader);
    expect(named(await all(leader, `areaId=${org.areas.building3.id}`), '孙大伟')).toMatchObject({ hasApp: true, notifyBy: 'app' });
  });

  it('when the register is read a page at a time, then the pages hold everyone once, in the order of the whole list', async () => {
    const admin = await t.as(org.people.admin);
    const whole = await admin.get(`/api/v1/people?areaId=${org.areas.subdistrict.id}&limit=100`);
    const paged = await all(admin, `areaId=${org.areas.subdistrict.id}&limit=2`);
    expect(paged.map((p) => p.id)).toEqual(whole.body.items.map((p: P) => p.id));
    expect(new Set(paged.map((p) => p.id)).size).toBe(paged.length);
    expect(paged.length).toBe(7);
  });

  it('when the register is filtered by tag, by having any tag, or by a name, then only those people come', async () => {
    const leader = await t.as(org.people.leader);
    expect((await all(leader, 'tag=living_alone')).map((p) => p.name).sort()).toEqual(['孙桂英', '钱秀英']);
    expect((await all(leader, 'tagged=true')).map((p) => p.name).sort()).toEqual(['孙桂英', '钱秀英']);
    expect((await all(leader, 'q=桂英')).map((p) => p.name)).toEqual(['孙桂英']);
    expect((await all(leader, 'q=0001')).map((p) => p.name)).toEqual(['孙大伟']);
  });

  it('when a resident, or a team outside the area, asks for the register, then a resident is refused and the other team finds no such area', async () => {
    const resident = await t.as(org.people.resident);
    const refused = await resident.get('/api/v1/people');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const otherLeader = await t.as(org.people.otherCompoundLeader);
    const hidden = await otherLeader.get(`/api/v1/people?areaId=${org.areas.compound.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
    expect((await otherLeader.get('/api/v1/people?tag=oldest')).status).toBe(400);
    const badCursor = await otherLeader.get('/api/v1/people?cursor=abc');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('INVALID_CURSOR');
  });

  it('when a resident declares tags for themself, then they wait as pending and raise no priority until the leader verifies them', async () => {
    const resident = await t.as(org.people.resident);
    const declared = await resident.patch('/api/v1/me', { specialTags: ['elderly', 'low_income'] });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({ specialTags: [], pendingTags: ['elderly', 'low_income'] });
    const before = await resident.file({ category: 'supplies', urgency: 'normal', description: '缺米面' });
    expect(before.body.urgency).toBe('normal');

    const leader = await t.as(org.people.leader);
    expect(named(await all(leader, 'tagged=true'), '孙大伟')).toMatchObject({ specialTags: [], pendingTags: ['elderly', 'low_income'], tagsVerified: false });
    const verified = await leader.put(`/api/v1/people/${org.people.resident.id}/tags`, { specialTags: ['elderly'], note: '入户核实：78 岁' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ specialTags: ['elderly'], pendingTags: [], tagsVerified: true, openTickets: 1 });

    expect((await resident.get('/api/v1/me')).body).toMatchObject({ specialTags: ['elderly'], pendingTags: [] });
    const after = await resident.file({ category: 'supplies', urgency: 'normal', description: '缺米面' });
    // Raised for the team; the resident sees the urgency they chose (issue 16.2).
    expect(after.body.urgency).toBe('normal');
    expect((await leader.get(`/api/v1/tickets/${after.body.id}`)).body.ticket.urgency).toBe('urgent');

    const admin = await t.as(org.people.admin);
    const audit = await admin.get('/api/v1/audit?entity=person');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('入户核实：78 岁');
  });

  it('when someone not over the person sets tags, then a plain member is refused, another team finds nobody, and nothing changes', async () => {
    const member2 = await t.as(org.people.member2);
    const refused = await member2.put(`/api/v1/people/${noPhone.id}/tags`, { specialTags: [] });
    expect(refused.status).toBe(403);
    const otherLeader = await t.as(org.people.otherCompoundLeader);
    const hidden = await otherLeader.put(`/api/v1/people/${noPhone.id}/tags`, { specialTags: [] });
    expect(hidden.status).toBe(404);
    const missing = await otherLeader.put(`/api/v1/people/${newId()}/tags`, { specialTags: [] });
    expect(missing.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    const resident = await t.as(org.people.resident);
    expect((await resident.put(`/api/v1/people/${noPhone.id}/tags`, { specialTags: [] })).status).toBe(404);
    const unknown = await (await t.as(org.people.leader)).put(`/api/v1/people/${noPhone.id}/tags`, { specialTags: ['vip'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_ERROR');
    const secretary = await t.as(org.people.secretary);
    expect(named(await all(secretary, `areaId=${org.areas.building1.id}`), '孙桂英')!.specialTags).toEqual(['elderly', 'living_alone']);
    // The community's secretary may verify.
    const bySecretary = await secretary.put(`/api/v1/people/${noPhone.id}/tags`, { specialTags: ['elderly', 'living_alone', 'disabled'] });
    expect(bySecretary.status).toBe(200);
    expect(bySecretary.body.specialTags).toEqual(['elderly', 'living_alone', 'disabled']);
  });

  describe('filing for someone (proxy filing) finds them in the register', () => {
    it('when a grid worker picks 孙桂英 from her unit’s list, then her 包保 gets it with her priority, and her tags show to the team', async () => {
      const worker = await t.as(org.people.member2);
      const list = await worker.get(`/api/v1/people?areaId=${org.areas.building1.units[1]!.id}`);
      const her = (list.body.items as P[]).find((p) => p.name === '孙桂英')!;
      const filed = await worker.file({ category: 'medicine', urgency: 'normal', description: '降压药吃完了', beneficiary: { personId: her.id } });
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({
        urgency: 'urgent',
        assigneeId: org.people.member.id,
        address: '春晖小区 1号楼 2单元 102室',
        beneficiary: { personId: noPhone.id, name: '孙桂英', phone: null, notifyBy: 'none', specialTags: expect.arrayContaining(['elderly']) },
      });
    });

    it('when a resident types her name at her unit, then she is matched (no new person), and the resident is not told her tags or how she is reached', async () => {
      const resident = await t.as(org.people.resident);
      const filed = await resident.file({ category: 'supplies', urgency: 'normal', description: '帮孙奶奶买菜', beneficiary: { name: '孙 桂英', areaId: org.areas.building1.units[1]!.id } });
      expect(filed.status).toBe(201);
      // Not even which person she was matched to (issue 16.2): that would say the register knows her.
      expect(filed.body.beneficiary.personId).toBeNull();
      expect(filed.body.beneficiary).not.toHaveProperty('specialTags');
      expect(filed.body.beneficiary).not.toHaveProperty('notifyBy');
      const leader = await t.as(org.people.leader);
      const seen = await leader.get(`/api/v1/tickets/${filed.body.id}`);
      expect(seen.body.ticket).toMatchObject({ urgency: 'urgent', assigneeId: org.people.member.id, beneficiary: { personId: noPhone.id, notifyBy: 'none' } });
      expect((await all(leader, 'q=桂英')).length).toBe(1);
    });

    it('when a resident files for a phone nobody knows, then a new unverified person is added, who signs in later, sees the ticket and confirms it', async () => {
      const resident = await t.as(org.people.resident);
      const unit = org.areas.building3.units[0]!.id;
      const filed = await resident.file({ category: 'medicine', urgency: 'normal', description: '替李叔买药', beneficiary: { name: '李明', phone: '13922220002', areaId: unit } });
      expect(filed.status).toBe(201);
      expect(filed.body.beneficiary.personId).toBeNull();
      const leader = await t.as(org.people.leader);
      const personId = (await leader.get(`/api/v1/tickets/${filed.body.id}`)).body.ticket.beneficiary.personId as string;
      expect(personId).toEqual(expect.any(String));
      expect(named(await all(leader, `areaId=${unit}`), '李明')).toMatchObject({ id: personId, hasApp: false, notifyBy: 'call', tagsVerified: false, specialTags: [] });

      const him = await t.as('13922220002');
      expect(him.userId).toBe(personId);
      const mine = await him.get('/api/v1/tickets?scope=mine');
      expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(filed.body.id);
      expect((await him.get(`/api/v1/tickets/${filed.body.id}`)).status).toBe(200);
      const member = await t.as(org.people.member);
      expect((await member.post(`/api/v1/tickets/${filed.body.id}/claim`)).status).toBe(200);
      expect((await member.post(`/api/v1/tickets/${filed.body.id}/resolve`, { text: '药已送到' })).status).toBe(200);
      const confirmed = await him.post(`/api/v1/tickets/${filed.body.id}/confirm`, { satisfied: true, rating: 5 });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status).toBe('closed');
    });

    it('when the beneficiary is someone the filer cannot see, a number that is no mobile, or a place too coarse, then the contract’s error and nothing is filed', async () => {
      const count = async () => (await t.as(org.people.admin)).get('/api/v1/tickets?scope=area&limit=100').then((r) => r.body.items.length as number);
      const before = await count();
      const resident = await t.as(org.people.resident);
      const hidden = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙', beneficiary: { personId: noPhone.id } });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe('NOT_FOUND');
      const landline = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙', beneficiary: { name: '王五', phone: '0311-80000001', areaId: org.areas.building3.id } });
      expect(landline.status).toBe(400);
      expect(landline.body.error.code).toBe('VALIDATION_ERROR');
      const coarse = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙', beneficiary: { name: '王五', areaId: org.areas.community.id } });
      expect(coarse.status).toBe(400);
      expect(coarse.body.error.code).toBe('ADDRESS_TOO_COARSE');
      expect(await count()).toBe(before);
    });
  });
});
