import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type Reply, type TestApp } from '../support/test-app.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * 暂停计时 (issue 14: "a clock that can be paused with a reason"): the one working a ticket stops
 * its resolve clock until a time, at most 72 h ahead; the resolve due time moves by the pause, so
 * the sweep, the overdue flag, the rates and the ledger read one time; resumed early or resolved
 * meanwhile, the part not used is taken back.
 */
describe('paused clocks', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  async function claimedTicket(description: string) {
    const resident = await t.as(people.resident);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description });
    const member = await t.as(people.member);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    return { resident, member, ticket: (await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket };
  }
  const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  const shift = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
  function expectError(reply: Reply, status: number, code: string) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  }
  const notes = async (who: Client, ticketId: string) =>
    ((await who.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string }[]).filter((n) => n.ticketId === ticketId).map((n) => n.type);

  it('when the member pauses the clock, then the resolve due time moves by the pause; resumed early, the unused part is taken back', async () => {
    const { member, ticket } = await claimedTicket('帮忙修窗户');
    const paused = await member.post(`/api/v1/tickets/${ticket.id}/pause`, { until: at(24 * HOUR), reason: '居民外出，明天回家', version: ticket.version });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body).toMatchObject({ resolveDueAt: shift(ticket.resolveDueAt, 24 * HOUR), pause: { until: at(24 * HOUR), reason: '居民外出，明天回家', requestedById: people.member.id } });
    expect(paused.body.actions).toContain('resume');
    expect(paused.body.actions).not.toContain('pause');
    // The leader hears, and sees why on the timeline.
    expect(await notes(await t.as(people.leader), ticket.id)).toContain('paused');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/pause`, { until: at(2 * HOUR), reason: '再停' }), 409, 'REQUEST_PENDING');

    t.clock.advance(2 * HOUR);
    const resumed = await member.post(`/api/v1/tickets/${ticket.id}/resume`, {});
    expect(resumed.status).toBe(200);
    // Two hours stood still: the due time is the first one plus two hours.
    expect(resumed.body).toMatchObject({ pause: null, resolveDueAt: shift(ticket.resolveDueAt, 2 * HOUR) });
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/resume`, {}), 409, 'NOTHING_PENDING');
    const { events } = (await member.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(events.map((e: { type: string }) => e.type).slice(-2)).toEqual(['paused', 'resumed']);
    expect(events.at(-1).data).toMatchObject({ pausedSeconds: 7200 });
    await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已修好' });
  });

  it('when the first resolve due time passes during a pause, then the ticket is not overdue and the sweep does not escalate; after the pause it is', async () => {
    const { member, ticket } = await claimedTicket('需要陪同复查');
    // 48 h to resolve; at 47 h the member pauses for 3 h (the hospital has not answered).
    t.clock.advance(47 * HOUR);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/pause`, { until: at(3 * HOUR), reason: '等医院回复' })).status).toBe(200);
    t.clock.advance(2 * HOUR);
    await t.app.services.sweep.run(t.clock.now());
    const during = (await member.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(during.ticket.overdue).toBe(false);
    expect(during.events.filter((e: { type: string }) => e.type === 'escalated')).toEqual([]);
    const secretary = await t.as(people.secretary);
    const overdueIds = async () => ((await secretary.get('/api/v1/tickets?scope=area&overdue=true&limit=100')).body.items as { id: string }[]).map((i) => i.id);
    expect(await overdueIds()).not.toContain(ticket.id);

    // The pause is over by itself at its end; an hour past the moved due time it is overdue and escalates.
    t.clock.advance(3 * HOUR);
    await t.app.services.sweep.run(t.clock.now());
    const after = (await member.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after.ticket).toMatchObject({ overdue: true, pause: null });
    expect(after.events.filter((e: { type: string }) => e.type === 'escalated')).toHaveLength(1);
    expect(await overdueIds()).toContain(ticket.id);
    await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已陪同' });
  });

  it('when it is resolved during a pause, then the pause ends there and the ledger counts it on time against the due time so moved', async () => {
    const { member, ticket } = await claimedTicket('帮忙取药');
    expect((await member.post(`/api/v1/tickets/${ticket.id}/pause`, { until: at(10 * HOUR), reason: '药房缺货，明早到' })).status).toBe(200);
    t.clock.advance(HOUR);
    const resolved = await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '药已送到' });
    expect(resolved.body).toMatchObject({ status: 'resolved', pause: null, resolveDueAt: shift(ticket.resolveDueAt, HOUR) });
  });

  it('when the input is bad or the person may not, then the contract error in Chinese, and nothing changes', async () => {
    const { member, ticket } = await claimedTicket('帮忙搬东西');
    const url = `/api/v1/tickets/${ticket.id}/pause`;
    expectError(await member.post(url, { until: at(-MIN), reason: '过去' }), 400, 'INVALID_PAUSE');
    expectError(await member.post(url, { until: at(72 * HOUR + MIN), reason: '太久' }), 400, 'INVALID_PAUSE');
    expectError(await member.post(url, { until: at(HOUR) }), 400, 'VALIDATION_ERROR');
    // Another member of the team, the resident, another team: not theirs to pause.
    expectError(await (await t.as(people.member2)).post(url, { until: at(HOUR), reason: '我来停' }), 403, 'FORBIDDEN');
    expectError(await (await t.as(people.otherMember)).post(url, { until: at(HOUR), reason: '别队' }), 404, 'NOT_FOUND');
    expect((await (await t.as(people.resident)).post(url, { until: at(HOUR), reason: '居民' })).status).toBe(403);
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/resume`, {}), 409, 'NOTHING_PENDING');
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket).toMatchObject({ version: ticket.version, resolveDueAt: ticket.resolveDueAt, pause: null });
    // Not claimed yet: the response clock is not paused.
    const fresh = (await (await t.as(people.resident)).file({ category: 'help', urgency: 'normal', description: '新的' })).body;
    expectError(await (await t.as(people.leader)).post(`/api/v1/tickets/${fresh.id}/pause`, { until: at(HOUR), reason: '未签收' }), 409, 'INVALID_TRANSITION');
  });

  it('when the member and the leader resume at once, then exactly one wins and the other gets 409', async () => {
    const { member, ticket } = await claimedTicket('帮忙买菜');
    await member.post(`/api/v1/tickets/${ticket.id}/pause`, { until: at(5 * HOUR), reason: '居民午休' });
    t.clock.advance(HOUR);
    const leader = await t.as(people.leader);
    const replies = await Promise.all([member.post(`/api/v1/tickets/${ticket.id}/resume`, {}), leader.post(`/api/v1/tickets/${ticket.id}/resume`, {})]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)!.body.error.code).toBe('NOTHING_PENDING');
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket.resolveDueAt).toBe(shift(ticket.resolveDueAt, HOUR));
    expect(body.events.filter((e: { type: string }) => e.type === 'resumed')).toHaveLength(1);
  });
});
