import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const need = (description: string) => ({ category: 'supplies', urgency: 'normal', description });

interface Row {
  areaId: string;
  areaName: string;
  teamId: string;
  teamName: string;
  open: number;
  overdue: number;
  onDuty: number;
  openPerOnDuty: number | null;
  specialUncovered: number;
  gap: number;
  membersNeeded: number;
}

/** 力量缺口: GET /metrics/staffing, per compound and team, the largest gap first. */
describe('staffing gap', () => {
  let t: TestApp;
  let org: SmallOrg;
  let secretary: Client;

  const staffing = async (who: Client, query = '') => {
    const reply = await who.get(`/api/v1/metrics/staffing${query}`);
    expect(reply.status).toBe(200);
    return reply.body.items as Row[];
  };

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    secretary = await t.as(org.people.secretary);
    // 柳树屯: five needs from 何桂兰, all past their claim time, and one of its two members off duty.
    const villager = await t.as(org.people.otherResident);
    for (let i = 0; i < 5; i++) expect((await villager.file(need(`生活物资 ${i}`))).status).toBe(201);
    const lin = await t.as(org.people.otherMember);
    expect((await lin.put(`/api/v1/teams/${org.teams.village.id}/members/${org.people.otherMember.id}`, { availability: 'off_duty' })).status).toBe(200);
    t.clock.advance(3 * HOUR);
    // 春晖小区: three fresh needs, none late.
    const resident = await t.as(org.people.resident);
    for (let i = 0; i < 3; i++) expect((await resident.file(need(`买菜 ${i}`))).status).toBe(201);
  });
  afterAll(async () => t?.close());

  it('when the community secretary looks, then each team of the community has open, overdue, on duty and uncovered key persons, the village with the gap first', async () => {
    const rows = await staffing(secretary);
    expect(rows.map((r) => r.teamId)).toEqual([org.teams.village.id, org.teams.medical.id, org.teams.compound.id]);
    const [village, medical, compound] = rows;
    // 5 open + 5 overdue + 何桂兰 (nobody answers for her) − 1 on duty × 8 = 3: one member more would close it.
    expect(village).toEqual({
      areaId: org.areas.village.id,
      areaName: '柳树屯',
      areaKind: 'compound',
      teamId: org.teams.village.id,
      teamName: '柳树屯民呼我行党员服务队',
      open: 5,
      overdue: 5,
      onDuty: 1,
      seconded: 0,
      openPerOnDuty: 5,
      specialUncovered: 1,
      gap: 3,
      membersNeeded: 1,
    });
    // The medical team: nothing open, 白医生 and 吴小燕 on duty.
    expect(medical).toMatchObject({ areaId: org.areas.community.id, open: 0, overdue: 0, onDuty: 2, specialUncovered: 0, gap: -16, membersNeeded: 0 });
    // 春晖小区: 3 open, none late; 冯晓东 is away, so three on duty; 钱秀英 has her 包保.
    expect(compound).toMatchObject({ areaName: '春晖小区', open: 3, overdue: 0, onDuty: 3, openPerOnDuty: 1, specialUncovered: 0, gap: -21 });
  });

  it('when the subdistrict secretary asks for one area, then only its teams; the whole subdistrict has the other community too', async () => {
    const subdistrict = await t.as(org.people.subdistrictSecretary);
    expect((await staffing(subdistrict)).map((r) => r.teamId).sort()).toEqual(
      [org.teams.village.id, org.teams.medical.id, org.teams.compound.id, org.teams.otherCompound.id].sort(),
    );
    expect((await staffing(subdistrict, `?areaId=${org.areas.village.id}`)).map((r) => r.teamId)).toEqual([org.teams.village.id]);
    const admin = await t.as(org.people.admin);
    expect((await staffing(admin)).length).toBe(4);
  });

  it('when the 包保 of a key person goes, then she counts as uncovered until someone answers for her again', async () => {
    const leader = await t.as(org.people.leader);
    const list = await leader.get(`/api/v1/teams/${org.teams.compound.id}/responsibilities`);
    type Target = { id: string; target: { kind: string; id: string } };
    const hers = list.body.items.find((r: Target) => r.target.kind === 'person' && r.target.id === org.people.neighbour.id);
    expect((await leader.delete(`/api/v1/responsibilities/${hers.id}`)).status).toBe(200);
    // 郑文涛 still answers for 1号楼, where she lives: still covered.
    expect((await staffing(secretary)).find((r) => r.teamId === org.teams.compound.id)!.specialUncovered).toBe(0);
    const building = list.body.items.find((r: Target) => r.target.id === org.areas.building1.id);
    expect((await leader.delete(`/api/v1/responsibilities/${building.id}`)).status).toBe(200);
    expect((await staffing(secretary)).find((r) => r.teamId === org.teams.compound.id)!.specialUncovered).toBe(1);
  });

  it('when a leader looks, then only their own team; a member or a resident is refused, an area outside the scope is 404', async () => {
    const villageLeader = await t.as(org.people.villageLeader);
    expect((await staffing(villageLeader)).map((r) => r.teamId)).toEqual([org.teams.village.id]);
    for (const who of [org.people.member2, org.people.resident]) {
      const reply = await (await t.as(who)).get('/api/v1/metrics/staffing');
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
      expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const outside = await secretary.get(`/api/v1/metrics/staffing?areaId=${org.areas.otherCompound.id}`);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
    expect((await secretary.get('/api/v1/metrics/staffing?areaId=nope')).status).toBe(400);
  });
});
