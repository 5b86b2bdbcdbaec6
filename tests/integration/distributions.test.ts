import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistributionsRepository, newId } from '@minhu/db';
import type { DistributionLine } from '@minhu/domain';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const PACK = [{ name: '健康包', quantity: 1, unit: '份' }, { name: '口罩', quantity: 10, unit: '只' }];

/** 健康包按户发放: a round over an area, door-to-door records, the resident's word, the ledger. */
describe('distributions', () => {
  let t: TestApp;
  let org: SmallOrg;
  let secretary: Client;
  let leader: Client;
  let member: Client;
  let member2: Client;
  let resident: Client;
  let roundId: string;

  const count = async () => (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM distributions`))[0]!.n;
  const households = async (who: Client, id: string, query = '') => (await who.get(`/api/v1/distributions/${id}/households?limit=100${query}`)).body.items;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    secretary = await t.as(org.people.secretary);
    leader = await t.as(org.people.leader);
    member = await t.as(org.people.member);
    member2 = await t.as(org.people.member2);
    resident = await t.as(org.people.resident);
  });
  afterAll(async () => t?.close());

  it('when the secretary starts a 健康包 round for the compound, then every household is a line, special persons first, and empty units are named', async () => {
    const reply = await secretary.post('/api/v1/distributions', { name: '第一轮健康包', areaId: org.areas.compound.id, items: PACK, priorityTags: ['elderly'] });
    expect(reply.status).toBe(201);
    roundId = reply.body.id;
    expect(reply.body).toMatchObject({ name: '第一轮健康包', areaName: '春晖小区', total: 4, delivered: 0, pending: 4, share: 0, view: 'all', items: PACK });
    expect(reply.body.buildings.map((b: { name: string; total: number }) => [b.name, b.total])).toEqual([['1号楼', 1], ['3号楼', 2], ['5号楼', 1]]);
    expect(reply.body.unitsWithoutHouseholds.map((u: { address: string }) => u.address)).toEqual(['1号楼 2单元', '5号楼 2单元', '5号楼 3单元']);

    const lines = await households(member, roundId);
    expect(lines.map((l: { address: string }) => l.address)).toEqual(['1号楼 1单元 101室', '3号楼 1单元 201室', '3号楼 2单元 502室', '5号楼 1单元 301室']);
    expect(lines[0]).toMatchObject({ priority: true, residentNames: ['钱秀英'], status: 'pending', teamId: org.teams.compound.id });
    expect(lines[0].specialTags).toContain('elderly');
  });

  it('when the households are paged and filtered, then each page follows the walking order', async () => {
    const first = await member.get(`/api/v1/distributions/${roundId}/households?limit=3`);
    expect(first.body.items).toHaveLength(3);
    const second = await member.get(`/api/v1/distributions/${roundId}/households?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ address: '5号楼 1单元 301室' }], nextCursor: null });
    const inBuilding3 = await households(member, roundId, `&areaId=${org.areas.building3.id}`);
    expect(inBuilding3.map((l: { room: string }) => l.room)).toEqual(['201室', '502室']);
    expect((await member.get(`/api/v1/distributions/${roundId}/households?cursor=nonsense`)).body.error.code).toBe('INVALID_CURSOR');
  });

  it('when a member records a door, then the leader sees the progress move, and a second record of it is 409 ALREADY_DELIVERED', async () => {
    const sun = (await households(member, roundId)).find((l: { room: string }) => l.room === '502室');
    const done = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: sun.id, note: '交给本人' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'delivered', deliveredByName: '吴小燕', note: '交给本人', deliveredAt: t.clock.now().toISOString() });

    const again = await member2.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: sun.id });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ALREADY_DELIVERED', message: '这一户已由吴小燕登记发放。' });

    const progress = await leader.get(`/api/v1/distributions/${roundId}`);
    expect(progress.body).toMatchObject({ delivered: 1, pending: 3, share: 0.25 });
    expect(progress.body.buildings.find((b: { name: string }) => b.name === '3号楼')).toMatchObject({ total: 2, delivered: 1 });
    expect((await households(leader, roundId, '&status=pending')).map((l: { room: string }) => l.room)).not.toContain('502室');
  });

  it('when members record the same household at the same moment, then exactly one gets 201 and the others 409', async () => {
    const line = (await households(member, roundId)).find((l: { room: string }) => l.room === '201室');
    const replies = await Promise.all([member, member2, leader, member, member2].map((m) => m.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: line.id })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of replies.filter((r) => r.status === 409)) expect(r.body.error.code).toBe('ALREADY_DELIVERED');
    const [row] = await t.handle.rows<{ version: number; status: string }>(sql`SELECT version, status FROM distribution_lines WHERE id = ${line.id}`);
    expect(row).toEqual({ version: 2, status: 'delivered' });
  });

  it('when the resident opens home, then their pack is recorded; when they say 未收到, the line reopens and the leader is told', async () => {
    const mine = await resident.get('/api/v1/me/distributions');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ name: '第一轮健康包', household: { status: 'delivered', deliveredByName: '吴小燕', address: '3号楼 2单元 502室' } });

    const said = await resident.post(`/api/v1/distributions/${roundId}/not-received`, { note: '门口没有看到' });
    expect(said.status).toBe(200);
    expect(said.body).toMatchObject({ status: 'pending', deliveredById: null, reportedMissingNote: '门口没有看到' });
    const inbox = await leader.get('/api/v1/notifications');
    expect(inbox.body.items[0]).toMatchObject({ type: 'distribution_not_received', ticketId: null, title: '第一轮健康包：居民反映未收到' });
    expect(inbox.body.items[0].body).toContain('3号楼 2单元 502室');
    expect((await leader.get(`/api/v1/distributions/${roundId}`)).body).toMatchObject({ delivered: 1, reportedMissing: 1 });

    const twice = await resident.post(`/api/v1/distributions/${roundId}/not-received`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('NOT_DELIVERED');
    // Someone the round did not reach has nothing to report.
    const elsewhere = await t.as(org.people.otherCompoundResident);
    expect((await elsewhere.post(`/api/v1/distributions/${roundId}/not-received`)).status).toBe(404);
    expect((await elsewhere.get('/api/v1/me/distributions')).body.items).toEqual([]);

    // The member delivers again: once more a record.
    const again = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: said.body.id, note: '补发' });
    expect(again.status).toBe(201);
  });

  it('when the round is exported, then the ledger lists every household with who delivered when', async () => {
    const csv = await secretary.get(`/api/v1/exports/distributions/${roundId}.csv`);
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    expect(String(csv.headers['content-disposition'])).toContain("filename*=UTF-8''");
    const rows = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n').map((r) => r.split(','));
    expect(rows[0]).toEqual(['序号', '地址', '楼栋', '住户', '重点人员类别', '状态', '发放人', '发放时间', '备注', '反馈未收到时间', '反馈说明']);
    expect(rows).toHaveLength(5);
    const sun = rows.find((r) => r[1] === '3号楼 2单元 502室')!;
    expect(sun.slice(5, 7)).toEqual(['已发放', '吴小燕']);
    expect(sun[7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(sun[8]).toBe('补发');
    expect(sun[10]).toBe('门口没有看到');
    expect(rows[1]!.slice(0, 6)).toEqual(['1', '1号楼 1单元 101室', '1号楼', '钱秀英', expect.stringContaining('高龄'), '未发放']);

    const xlsx = await t.app.inject({ method: 'GET', url: `/api/v1/exports/distributions/${roundId}.xlsx`, headers: { authorization: `Bearer ${await secretary.bearer()}` } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    // A member sees their doors, not the ledger.
    expect((await member.get(`/api/v1/exports/distributions/${roundId}.csv`)).status).toBe(404);
  });

  it('when the round covers two teams, then a member sees only their team\'s doors and cannot record another team\'s (403)', async () => {
    const round = await secretary.post('/api/v1/distributions', { name: '社区第二轮', areaId: org.areas.community.id, items: PACK });
    expect(round.status).toBe(201);
    const villager = await t.as(org.people.otherMember);
    const own = await households(villager, round.body.id);
    expect(own.map((l: { residentNames: string[] }) => l.residentNames)).toEqual([['何桂兰']]);
    expect((await villager.get(`/api/v1/distributions/${round.body.id}`)).body).toMatchObject({ view: 'team', total: 1, unitsWithoutHouseholds: [] });
    const theirs = (await households(member, round.body.id)).find((l: { room: string }) => l.room === '502室');
    const refused = await villager.post(`/api/v1/distributions/${round.body.id}/deliveries`, { lineId: theirs.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    // The secretary runs the round but does not hand packs out.
    expect((await secretary.post(`/api/v1/distributions/${round.body.id}/deliveries`, { lineId: theirs.id })).status).toBe(403);
    // A line of another round is not in this one.
    const first = (await households(member, roundId))[0];
    expect((await member.post(`/api/v1/distributions/${round.body.id}/deliveries`, { lineId: first.id })).status).toBe(404);
    expect((await member.post(`/api/v1/distributions/${round.body.id}/deliveries`, { householdAreaId: org.areas.building3.id })).status).toBe(404);
    const untouched = await t.handle.rows(sql`SELECT 1 FROM distribution_lines WHERE distribution_id = ${round.body.id} AND status = 'delivered'`);
    expect(untouched).toEqual([]);
  });

  it('when a leader starts a round in their compound, then it is made; outside it, or by a member or a resident, 404 and nothing is made', async () => {
    expect((await leader.post('/api/v1/distributions', { name: '3号楼补发', areaId: org.areas.building3.id, items: PACK })).status).toBe(201);
    const before = await count();
    const villageLeader = await t.as(org.people.villageLeader);
    for (const [who, areaId] of [
      [villageLeader, org.areas.compound.id],
      [await t.as(org.people.otherCommunitySecretary), org.areas.compound.id],
      [member, org.areas.compound.id],
      [resident, org.areas.building3.id],
      [secretary, '00000000-0000-7000-8000-000000000000'],
    ] as const) {
      const reply = await who.post('/api/v1/distributions', { name: '越权', areaId, items: PACK });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
    }
    // Nor can they see the rounds of others.
    expect((await villageLeader.get(`/api/v1/distributions/${roundId}`)).status).toBe(404);
    expect((await resident.get(`/api/v1/distributions/${roundId}/households`)).status).toBe(404);
    expect((await villageLeader.get('/api/v1/distributions')).body.items.map((r: { name: string }) => r.name)).toEqual(['社区第二轮']);
    expect(await count()).toBe(before);
  });

  it('when the input is bad, then 400 in the contract shape, in Chinese, and nothing changes', async () => {
    const before = await count();
    const cases: [unknown, string][] = [
      [{ name: '空', areaId: org.areas.compound.id, items: [] }, 'VALIDATION_ERROR'],
      [{ name: '零', areaId: org.areas.compound.id, items: [{ name: '健康包', quantity: 0, unit: '份' }] }, 'VALIDATION_ERROR'],
      [{ name: '负', areaId: org.areas.compound.id, items: [{ name: '健康包', quantity: -1, unit: '份' }] }, 'VALIDATION_ERROR'],
      [{ name: '多', areaId: org.areas.compound.id, items: PACK, extra: true }, 'VALIDATION_ERROR'],
      [{ name: '标签', areaId: org.areas.compound.id, items: PACK, priorityTags: ['vip'] }, 'VALIDATION_ERROR'],
      [{ areaId: org.areas.compound.id, items: PACK }, 'VALIDATION_ERROR'],
    ];
    for (const [body, code] of cases) {
      const reply = await secretary.post('/api/v1/distributions', body);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe(code);
      expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const neither = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { note: '没写哪一户' });
    expect(neither).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const line = (await households(member, roundId, '&status=pending'))[0];
    const photo = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: line.id, attachments: ['00000000-0000-7000-8000-000000000001'] });
    expect(photo).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_ATTACHMENT' } } });
    expect((await households(member, roundId, '&status=pending'))[0].id).toBe(line.id);
    expect(await count()).toBe(before);
  });

  it('when the lines are written, then odd text comes back as it went, and a line naming a place that does not exist fails the whole round', async () => {
    const repo = createDistributionsRepository(t.handle);
    const at = t.clock.now();
    const round = (name: string) => ({
      id: newId(at.getTime()),
      name,
      areaId: org.areas.compound.id,
      areaPath: org.areas.compound.path,
      items: PACK,
      createdById: org.people.secretary.id,
      createdAt: at,
    });
    const line = (position: number, over: Partial<DistributionLine> = {}): DistributionLine => ({
      householdKey: `r:${org.areas.building3.units[0]!.id}:${position}`,
      householdAreaId: null,
      placeId: org.areas.building3.units[0]!.id,
      room: `${position}室`,
      buildingId: org.areas.building3.id,
      address: `3号楼 1单元 ${position}室`,
      teamId: org.teams.compound.id,
      residentIds: [org.people.member.id],
      specialTags: ['elderly'],
      position,
      priority: false,
      ...over,
    });
    const odd = round('引号');
    await repo.create(odd, [line(0, { address: '3号楼 "东" 单元\\后门 {1,2}', room: null }), line(1, { residentIds: [], specialTags: [] })]);
    const written = await t.handle.rows<{ address: string; room: string | null; resident_ids: string[]; special_tags: string[] }>(
      sql`SELECT address, room, resident_ids, special_tags FROM distribution_lines WHERE distribution_id = ${odd.id} ORDER BY position`,
    );
    expect(written).toEqual([
      { address: '3号楼 "东" 单元\\后门 {1,2}', room: null, resident_ids: [org.people.member.id], special_tags: ['elderly'] },
      { address: '3号楼 1单元 1室', room: '1室', resident_ids: [], special_tags: [] },
    ]);

    const before = await count();
    const broken = round('坏的');
    await expect(repo.create(broken, [line(0), line(1, { placeId: newId() })])).rejects.toThrow(/1 of 2 lines/);
    await expect(repo.create(broken, [line(0), line(1, { teamId: newId() })])).rejects.toThrow(/1 of 2 lines/);
    expect(await count()).toBe(before);
    const [left] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM distribution_lines WHERE distribution_id = ${broken.id}`);
    expect(left!.n).toBe(0);
  });
});
