import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const DAY = 86_400_000;
const need = (description: string) => ({ category: 'supplies', urgency: 'normal', description });

/**
 * 借调: the secretary lends 郑文涛 of 春晖小区's team to 柳树屯 (the busier one) until a date: he
 * sees its queue and is routed its tickets, his own team routes him nothing meanwhile, it is in
 * the audit log, and it ends by itself (or early).
 */
describe('secondments', () => {
  let t: TestApp;
  let org: SmallOrg;
  let secretary: Client;
  let seconded: Client;
  let villager: Client;

  const until = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString();
  const lend = (who: Client, body: Record<string, unknown>, teamId = org.teams.village.id) => who.post(`/api/v1/teams/${teamId}/secondments`, body);
  const teamQueue = async (who: Client) =>
    ((await who.get('/api/v1/tickets?scope=team')).body.items as { id: string; teamId: string }[]);
  const staffingOf = async (teamId: string) =>
    ((await secretary.get('/api/v1/metrics/staffing')).body.items as { teamId: string; onDuty: number; seconded: number }[]).find((r) => r.teamId === teamId)!;
  const audit = async () =>
    t.handle.rows<{ action: string; actor_id: string | null }>(sql`SELECT action, actor_id FROM audit_log WHERE entity = 'secondment' ORDER BY id`);

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    secretary = await t.as(org.people.secretary);
    seconded = await t.as(org.people.member2);
    villager = await t.as(org.people.otherResident);
  });
  afterAll(async () => t?.close());

  it('when the secretary seconds a member to the village team, then he sees its queue, is routed its tickets, counts there and not at home, and it is audited', async () => {
    const before = await villager.file(need('买米'));
    expect(before.status).toBe(201);
    expect((await teamQueue(seconded)).map((x) => x.id)).not.toContain(before.body.id);
    const homeBefore = await staffingOf(org.teams.compound.id);

    const made = await lend(secretary, { userId: org.people.member2.id, until: until(7), reason: '柳树屯封控，人手不够' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      teamId: org.teams.village.id,
      teamName: '柳树屯民呼我行党员服务队',
      userId: org.people.member2.id,
      userName: '郑文涛',
      fromTeamId: org.teams.compound.id,
      reason: '柳树屯封控，人手不够',
      endedAt: null,
    });
    // The village's queue is his now: the ticket filed before and a new one.
    const after = await villager.file(need('买菜'));
    const queue = (await teamQueue(seconded)).map((x) => x.id);
    expect(queue).toEqual(expect.arrayContaining([before.body.id, after.body.id]));
    expect((await seconded.post(`/api/v1/tickets/${after.body.id}/claim`)).status).toBe(200);
    const me = await seconded.get('/api/v1/me');
    expect(me.body.teams.map((x: { id: string }) => x.id)).toContain(org.teams.village.id);
    // He counts on duty in the village, not at home.
    expect(await staffingOf(org.teams.village.id)).toMatchObject({ onDuty: 3, seconded: 1 });
    expect((await staffingOf(org.teams.compound.id)).onDuty).toBe(homeBefore.onDuty - 1);
    expect((await secretary.get(`/api/v1/teams/${org.teams.village.id}/secondments`)).body.items.map((s: { userId: string }) => s.userId)).toEqual([
      org.people.member2.id,
    ]);
    expect(await audit()).toEqual([{ action: 'create', actor_id: org.people.secretary.id }]);
  });

  it('when his own team gets a need he answers for, then it goes to someone on duty there, not to him while he is away', async () => {
    // 郑文涛 answers for 钱秀英 (and 1号楼); seconded, he is off duty for 春晖小区.
    const neighbour = await t.as(org.people.neighbour);
    const filed = await neighbour.file(need('买药'));
    expect(filed.status).toBe(201);
    expect(filed.body.teamId).toBe(org.teams.compound.id);
    expect(filed.body.assigneeId).not.toBe(org.people.member2.id);
  });

  it('when the time comes, then the sweep ends it: he leaves the village queue and counts at home again; the log says it expired', async () => {
    t.clock.advance(7 * DAY + 1000);
    expect(await t.app.services.secondments.endDue(t.clock.now())).toEqual({ ended: 1 });
    expect(await t.app.services.secondments.endDue(t.clock.now())).toEqual({ ended: 0 });
    const queue = await teamQueue(seconded);
    expect(queue.every((x) => x.teamId !== org.teams.village.id)).toBe(true);
    expect((await seconded.get('/api/v1/me')).body.teams.map((x: { id: string }) => x.id)).not.toContain(org.teams.village.id);
    expect(await staffingOf(org.teams.village.id)).toMatchObject({ onDuty: 2, seconded: 0 });
    expect((await secretary.get(`/api/v1/teams/${org.teams.village.id}/secondments`)).body.items).toEqual([]);
    expect((await audit()).map((a) => [a.action, a.actor_id])).toEqual([
      ['create', org.people.secretary.id],
      ['expire', null],
    ]);
  });

  it('when the secretary ends one early, then it ends at once, once; he can be seconded again later', async () => {
    expect((await lend(secretary, { userId: org.people.member2.id, until: until(3), reason: '再借三天' })).status).toBe(201);
    const ended = await secretary.delete(`/api/v1/teams/${org.teams.village.id}/secondments?userId=${org.people.member2.id}`);
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).toBe(t.clock.now().toISOString());
    expect((await secretary.delete(`/api/v1/teams/${org.teams.village.id}/secondments?userId=${org.people.member2.id}`)).status).toBe(404);
    expect((await seconded.get('/api/v1/me')).body.teams.map((x: { id: string }) => x.id)).not.toContain(org.teams.village.id);
    expect((await audit()).map((a) => a.action)).toEqual(['create', 'expire', 'create', 'end']);
  });

  it('when two secretaries second the same member at once, then one secondment runs', async () => {
    const subdistrict = await t.as(org.people.subdistrictSecretary);
    const replies = await Promise.all([secretary, subdistrict].map((who) => lend(who, { userId: org.people.member.id, until: until(2), reason: '同时借调' })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const [row] = await t.handle.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM secondments WHERE user_id = ${org.people.member.id} AND ended_at IS NULL`,
    );
    expect(row!.n).toBe(1);
  });

  it('when the input or the caller is wrong, then the contract shape in Chinese and nothing changes', async () => {
    const count = async () => (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM secondments`))[0]!.n;
    const before = await count();
    const cases: [Client, Record<string, unknown>, string, number, string][] = [
      // An end in the past, or too far ahead.
      [secretary, { userId: org.people.otherMember.id, until: until(-1), reason: '过去' }, org.teams.compound.id, 400, 'INVALID_UNTIL'],
      [secretary, { userId: org.people.otherMember.id, until: until(91), reason: '太久' }, org.teams.compound.id, 400, 'INVALID_UNTIL'],
      // A team outside the secretary's area; a member whose team is outside it.
      [secretary, { userId: org.people.otherMember.id, until: until(2), reason: '别的社区' }, org.teams.otherCompound.id, 404, 'NOT_FOUND'],
      [secretary, { userId: org.people.otherCompoundMember.id, until: until(2), reason: '别的社区的人' }, org.teams.village.id, 403, 'FORBIDDEN'],
      // Someone on no team, someone already on it.
      [secretary, { userId: org.people.resident.id, until: until(2), reason: '居民' }, org.teams.village.id, 400, 'NOT_A_MEMBER'],
      [secretary, { userId: org.people.otherMember.id, until: until(2), reason: '本队' }, org.teams.village.id, 409, 'ALREADY_MEMBER'],
      // A leader is no secretary; a missing reason.
      [await t.as(org.people.villageLeader), { userId: org.people.member2.id, until: until(2), reason: '队长' }, org.teams.village.id, 404, 'NOT_FOUND'],
      [secretary, { userId: org.people.member2.id, until: until(2) }, org.teams.village.id, 400, 'VALIDATION_ERROR'],
    ];
    for (const [who, body, teamId, status, code] of cases) {
      const reply = await lend(who, body, teamId);
      expect([reply.status, reply.body.error?.code]).toEqual([status, code]);
      expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(await count()).toBe(before);
  });
});
