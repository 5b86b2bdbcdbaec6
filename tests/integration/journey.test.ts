import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The issue's own check: a medicine request from filing to a rated close. */
describe('a resident’s medicine request, end to end', () => {
  let t: TestApp;
  let people: SmallOrg['people'], teams: SmallOrg['teams'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, teams } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  it('is routed, claimed once, resolved, confirmed and rated, with the whole timeline', async () => {
    const resident = await t.as(people.resident);
    const filed = await resident.file({
      category: 'medicine',
      urgency: 'normal',
      description: '需要代购降压药',
      items: [{ name: '苯磺酸氨氯地平片', quantity: 2, unit: '盒', note: '5mg' }],
    });
    expect(filed.status).toBe(201);
    const ticket = filed.body;
    expect(ticket).toMatchObject({
      status: 'assigned',
      category: 'medicine',
      urgency: 'normal',
      address: '春晖小区 3号楼 2单元 502室',
      teamId: teams.compound.id,
      team: { name: teams.compound.name },
      // The member is responsible for building 3.
      assigneeId: people.member.id,
      assignee: { name: people.member.name },
      routeReason: 'compound_team',
      flagged: false,
      overdue: false,
      version: 1,
      actions: ['cancel'],
      items: [{ name: '苯磺酸氨氯地平片', quantity: 2, unit: '盒', note: '5mg' }],
    });
    expect(ticket.number).toMatch(/^MH-\d{8}-\d{6}$/);
    // The reply comes from the writing statement itself: it must be what a read gives.
    expect(ticket).toEqual((await resident.get(`/api/v1/tickets/${ticket.id}`)).body.ticket);
    expect(new Date(ticket.responseDueAt).getTime() - new Date(ticket.createdAt).getTime()).toBe(2 * 3600_000);

    // The member's queue shows it.
    const member = await t.as(people.member);
    const queue = await member.get('/api/v1/tickets?scope=team&open=true');
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(ticket.id);

    t.clock.advance(5 * 60_000);
    const claimed = await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'claimed', assigneeId: member.userId, version: 2 });
    expect(claimed.body).toEqual((await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket);

    const member2 = await t.as(people.member2);
    const lost = await member2.post(`/api/v1/tickets/${ticket.id}/claim`);
    expect(lost.status).toBe(409);
    expect(lost.body.error).toMatchObject({ code: 'ALREADY_CLAIMED', message: `已被${people.member.name}签收` });

    const stale = await member.post(`/api/v1/tickets/${ticket.id}/start`, { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');

    t.clock.advance(60_000);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/start`, { version: 2 })).body.status).toBe('in_progress');
    t.clock.advance(30 * 60_000);
    const note = await member.post(`/api/v1/tickets/${ticket.id}/note`, { text: '药店缺货，改去社区卫生站' });
    expect(note.status).toBe(200);
    t.clock.advance(30 * 60_000);
    const resolved = await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已送药上门' });
    expect(resolved.body).toMatchObject({ status: 'resolved', overdue: false, dueAt: null });

    t.clock.advance(60 * 60_000);
    const closed = await resident.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 5, comment: '谢谢' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', rating: 5, satisfied: true, ratingComment: '谢谢', actions: [] });

    const detail = await resident.get(`/api/v1/tickets/${ticket.id}`);
    expect(detail.status).toBe(200);
    const events = detail.body.events as { type: string; actorName: string | null; at: string }[];
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'assigned',
      'claimed',
      'started',
      'note',
      'resolved',
      'confirmed',
      'closed',
    ]);
    const [filer, claimer] = [people.resident.name, people.member.name];
    expect(events.map((e) => e.actorName)).toEqual([filer, null, claimer, claimer, claimer, claimer, filer, filer]);
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // Another compound's resident cannot learn it exists.
    const other = await t.as(people.otherResident);
    const hidden = await other.get(`/api/v1/tickets/${ticket.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
    expect((await other.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: false, rating: 1 })).status).toBe(404);
  });

  it('when a resident is not satisfied, then it reopens to the member and escalates', async () => {
    const resident = await t.as(people.resident);
    const member = await t.as(people.member);
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'normal', description: '需要大米' });
    await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已送达' });
    t.clock.advance(3600_000);
    const reopened = await resident.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: false, rating: 2, comment: '送错了' });
    expect(reopened.body).toMatchObject({ status: 'in_progress', assigneeId: member.userId, resolvedAt: null, satisfied: false, rating: 2 });
    expect(Date.parse(reopened.body.resolveDueAt)).toBe(t.clock.now().getTime() + 48 * 3600_000);
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.events.slice(-3).map((e: { type: string }) => e.type)).toEqual(['confirmed', 'reopened', 'escalated']);
    expect(body.events.at(-1).data).toEqual({ level: 1, reason: 'unsatisfied' });

    // Not satisfied a second time: one level up, and the compound's and community's secretaries hear.
    await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '重新送了' });
    await resident.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: false, rating: 1, comment: '还是不对' });
    const again = (await member.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(again.events.at(-1).data).toEqual({ level: 2, reason: 'unsatisfied' });
    const inbox = (await (await t.as(people.secretary)).get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string }[];
    expect(inbox.filter((n) => n.ticketId === ticket.id).map((n) => n.type)).toContain('reopened');
  });

  it('when the resident cancels before a claim, then nobody can work it any more', async () => {
    const resident = await t.as(people.resident);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙取快递' });
    const cancelled = await resident.post(`/api/v1/tickets/${ticket.id}/cancel`, { reason: '家人回来了' });
    expect(cancelled.body.status).toBe('cancelled');
    const member = await t.as(people.member);
    const late = await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('when a secretary transfers to another team, then that team’s members can claim it and the first team cannot', async () => {
    const resident = await t.as(people.resident);
    // The community's secretary oversees both teams, so it moves at once (a leader's is a hand-off: handoffs.test.ts).
    const leader = await t.as(people.secretary);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: '亲戚住在柳树屯，需要帮忙送饭' });
    const village = teams.village.id;
    const noReason = await leader.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: village });
    expect(noReason.status).toBe(400);
    const transferred = await leader.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: village, reason: '地址在柳树屯' });
    expect(transferred.body).toMatchObject({ status: 'assigned', teamId: village, assigneeId: null, assignee: null });
    // The new team's name and no assignee, from the writing statement, as a read gives them.
    const seen = (await (await t.as(people.otherMember)).get(`/api/v1/tickets/${ticket.id}`)).body.ticket;
    expect(transferred.body).toMatchObject({ team: seen.team, assignee: null, version: seen.version, dueAt: seen.dueAt });
    expect(transferred.body.team.name).toBeTruthy();
    const member = await t.as(people.member);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(404);
    const otherMember = await t.as(people.otherMember);
    expect((await otherMember.post(`/api/v1/tickets/${ticket.id}/claim`)).body.status).toBe('claimed');
    const { body } = await resident.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.events.find((e: { type: string }) => e.type === 'transferred').data).toMatchObject({ toTeamId: village, reason: '地址在柳树屯' });
  });

  it('when the millionth ticket has been filed, then numbers grow to seven digits and stay unique', async () => {
    await t.handle.rows(sql`SELECT setval('ticket_number_seq', 999999, false)`);
    const resident = await t.as(people.resident);
    const a = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙取快递' });
    const b = await resident.file({ category: 'help', urgency: 'normal', description: '帮忙取报纸' });
    expect(a.body.number).toMatch(/-999999$/);
    expect(b.body.number).toMatch(/-1000000$/);
  });
});
