import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Issue 14.5–6: who gets a ticket nobody answers for (the least loaded member under the team's
 * cap, else the leader is told), claims nobody works on (stale_claim), the tighter default limits
 * of controlled and sealed areas, and who a medical emergency pages beyond the medical team.
 */
describe('load-aware assignment, stale claims, default policies, medical emergencies', () => {
  let t: TestApp;
  let people: SmallOrg['people'], teams: SmallOrg['teams'];
  let extraMember: { id: string; phone: string };
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, teams } = await smallOrg(t.make));
    // 和睦家园's team gets a second member; nobody answers for 赵静's building.
    extraMember = await t.make.member(teams.otherCompound, await t.make.person({ name: '黄海', phone: '13600000017' }));
  });
  afterAll(async () => t?.close());

  const notes = async (who: Client, ticketId: string) =>
    ((await who.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string }[]).filter((n) => n.ticketId === ticketId).map((n) => n.type);
  const eventsOf = async (who: Client, ticketId: string) =>
    (await who.get(`/api/v1/tickets/${ticketId}`)).body.events as { type: string; data: Record<string, unknown> }[];

  it('when nobody answers for the address, then the least loaded member gets it; at the team cap it stays unassigned and the leader hears', async () => {
    const resident = await t.as(people.otherCompoundResident);
    const file = async (description: string) => (await resident.file({ category: 'supplies', urgency: 'normal', description })).body;
    const first = await file('需要买米');
    const second = await file('需要买面');
    const members = [people.otherCompoundMember.id, extraMember.id];
    // One each: the second goes to the one who had none.
    expect(members).toContain(first.assigneeId);
    expect(members).toContain(second.assigneeId);
    expect(second.assigneeId).not.toBe(first.assigneeId);
    expect((await eventsOf(await t.as(people.otherCompoundLeader), first.id)).find((e) => e.type === 'assigned')?.data).toMatchObject({ assignment: 'load' });

    // The community's secretary sets the cap at one open ticket each; a leader may not.
    const leader = await t.as(people.otherCompoundLeader);
    expect((await leader.put(`/api/v1/teams/${teams.otherCompound.id}`, { maxOpenPerMember: 1 })).status).toBe(403);
    const secretary = await t.as(people.otherCommunitySecretary);
    const bad = await secretary.put(`/api/v1/teams/${teams.otherCompound.id}`, { maxOpenPerMember: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    const capped = await secretary.put(`/api/v1/teams/${teams.otherCompound.id}`, { maxOpenPerMember: 1 });
    expect(capped.status, JSON.stringify(capped.body)).toBe(200);
    expect(capped.body).toMatchObject({ id: teams.otherCompound.id, maxOpenPerMember: 1 });

    const third = await file('需要买油');
    expect(third).toMatchObject({ teamId: teams.otherCompound.id, assigneeId: null, status: 'assigned' });
    expect(await notes(leader, third.id)).toContain('unassigned');
    expect((await eventsOf(leader, third.id)).find((e) => e.type === 'assigned')?.data).toMatchObject({ assignment: 'at_capacity' });
    // Below the cap again once one of them is done: routing gives them the next one.
    const holder = await t.as(first.assigneeId === extraMember.id ? extraMember : people.otherCompoundMember);
    expect((await holder.post(`/api/v1/tickets/${first.id}/claim`)).status).toBe(200);
    expect((await holder.post(`/api/v1/tickets/${first.id}/resolve`, { text: '米已送到' })).status).toBe(200);
    const fourth = await file('需要买盐');
    expect(fourth.assigneeId).toBe(first.assigneeId);
    expect(await notes(leader, fourth.id)).not.toContain('unassigned');
  });

  it('when a claim is neither started nor noted within the claim limit, then the sweep tells the leader once, on the timeline', async () => {
    const resident = await t.as(people.resident);
    const member = await t.as(people.member);
    const idle = (await resident.file({ category: 'help', urgency: 'normal', description: '帮忙修水管' })).body;
    const worked = (await resident.file({ category: 'help', urgency: 'normal', description: '帮忙换灯泡' })).body;
    for (const id of [idle.id, worked.id]) expect((await member.post(`/api/v1/tickets/${id}/claim`)).status).toBe(200);
    t.clock.advance(30 * MIN);
    expect((await member.post(`/api/v1/tickets/${worked.id}/note`, { text: '已约好明早上门' })).status).toBe(200);

    t.clock.advance(90 * MIN - 1);
    await t.app.services.sweep.run(t.clock.now());
    const leader = await t.as(people.leader);
    expect(await notes(leader, idle.id)).not.toContain('stale_claim');
    t.clock.advance(1);
    await t.app.services.sweep.run(t.clock.now());
    expect((await notes(leader, idle.id)).filter((n) => n === 'stale_claim')).toHaveLength(1);
    expect(await notes(leader, worked.id)).not.toContain('stale_claim');
    const stale = (await eventsOf(leader, idle.id)).filter((e) => e.type === 'stale_claim');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.data).toMatchObject({ assigneeId: people.member.id });

    // Once: later sweeps say nothing more about it.
    t.clock.advance(2 * HOUR);
    await t.app.services.sweep.run(t.clock.now());
    expect((await notes(leader, idle.id)).filter((n) => n === 'stale_claim')).toHaveLength(1);
    for (const id of [idle.id, worked.id]) await member.post(`/api/v1/tickets/${id}/resolve`, { text: '已办好' });
  });

  it('when no policy is set, then a controlled area gets three quarters of the limits and the defaults list the 管控区 and 封控区 rows', async () => {
    const policies = (await (await t.as(people.admin)).get('/api/v1/sla-policies')).body;
    expect(policies.source).toBe('default');
    expect(policies.items).toContainEqual({ category: 'medicine', urgency: 'normal', controlLevel: 'sealed', claimWithinSeconds: 3600, resolveWithinSeconds: 86400 });
    expect(policies.items).toContainEqual({ category: 'medicine', urgency: 'normal', controlLevel: 'controlled', claimWithinSeconds: 5400, resolveWithinSeconds: 129600 });

    // 何桂兰 lives in 柳树屯 (管控区); she is elderly, so her request is raised to 加急: 30 min × 0.75.
    const filed = (await (await t.as(people.otherResident)).file({ category: 'supplies', urgency: 'normal', description: '需要蔬菜' })).body;
    const { ticket } = (await (await t.as(people.otherMember)).get(`/api/v1/tickets/${filed.id}`)).body;
    expect(ticket.urgency).toBe('urgent');
    expect(new Date(ticket.responseDueAt).getTime() - new Date(ticket.createdAt).getTime()).toBe(1350 * 1000);
    expect(new Date(ticket.resolveDueAt).getTime() - new Date(ticket.createdAt).getTime()).toBe(9 * HOUR);
    // Her own view shows the time limits of what she asked for, in her area: normal × 0.75.
    expect(new Date(filed.responseDueAt).getTime() - new Date(filed.createdAt).getTime()).toBe(90 * MIN);
  });

  it('when a medical emergency goes to the community medical team, then the person’s 包保 member and the compound leader are paged too', async () => {
    // 钱秀英 (1号楼) is looked after by 郑文涛; her medical needs go to 春晖社区医疗队.
    const neighbour = await t.as(people.neighbour);
    const filed = (await neighbour.file({ category: 'medical', urgency: 'emergency', description: '胸口疼，需要送医' })).body;
    expect(filed.teamId).toBe(teams.medical.id);
    for (const who of [people.member2, people.leader]) {
      expect(await notes(await t.as(who), filed.id)).toContain('emergency');
    }
    // The medical team's own leader hears as ever; the resident's timeline does not name who was paged.
    expect(await notes(await t.as(people.medic), filed.id)).toContain('emergency');
    const routed = (await eventsOf(neighbour, filed.id)).find((e) => e.type === 'assigned');
    expect(routed?.data).not.toHaveProperty('alsoAlert');
    const team = (await eventsOf(await t.as(people.medic), filed.id)).find((e) => e.type === 'assigned');
    expect(team?.data.alsoAlert).toEqual(expect.arrayContaining([people.member2.id, people.leader.id]));

    // A medical need that is no emergency pages nobody beyond the medical team.
    const urgent = (await neighbour.file({ category: 'medical', urgency: 'urgent', description: '需要预约透析' })).body;
    expect(await notes(await t.as(people.member2), urgent.id)).toEqual([]);
  });

  it('when an admin sets staleClaimSeconds in a policy, then it is kept and read back', async () => {
    const admin = await t.as(people.admin);
    const set = (await admin.get('/api/v1/sla-policies')).body.items
      .filter((p: { controlLevel: string | null }) => p.controlLevel === null)
      .map((p: Record<string, unknown>) => ({ ...p, staleClaimSeconds: 1800 }));
    const replaced = await admin.put('/api/v1/sla-policies', set);
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.source).toBe('custom');
    expect(replaced.body.items[0]).toMatchObject({ staleClaimSeconds: 1800 });
    const resident = await t.as(people.resident);
    const member = await t.as(people.member);
    const filed = (await resident.file({ category: 'help', urgency: 'normal', description: '帮忙取快递' })).body;
    await member.post(`/api/v1/tickets/${filed.id}/claim`);
    t.clock.advance(30 * MIN);
    await t.app.services.sweep.run(t.clock.now());
    expect(await notes(await t.as(people.leader), filed.id)).toContain('stale_claim');
  });
});
