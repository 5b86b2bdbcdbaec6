import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type Reply, type TestApp } from '../support/test-app.js';

const HOUR = 3600_000;
/** Beijing wall-clock time as the ledger writes it (yyyy-mm-dd hh:mm:ss). */
const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * HOUR).toISOString().slice(0, 19).replace('T', ' ');
const DAY = 24 * HOUR;

/** 退单 and 延期: asked by the team with a reason, ruled on by a secretary of the area. */
describe('returns and extensions', () => {
  let t: TestApp;
  let people: SmallOrg['people'], teams: SmallOrg['teams'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, teams } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  /** A ticket for building 3, claimed by 吴小燕. */
  async function claimedTicket(description = '需要帮忙去医院取药') {
    const resident = await t.as(people.resident);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description });
    const member = await t.as(people.member);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    return { resident, member, ticket: (await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket };
  }

  const typesFor = async (who: Client, ticketId: string) =>
    ((await who.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string }[]).filter((n) => n.ticketId === ticketId).map((n) => n.type);
  const approvals = async (who: Client) => ((await who.get('/api/v1/tickets?scope=approvals&limit=100')).body.items as { id: string }[]).map((i) => i.id);

  function expectError(reply: Reply, status: number, code: string) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  }

  it('when a return is approved, then the secretary’s 待审批 empties and the ticket is routed again, to another team', async () => {
    const { member, ticket } = await claimedTicket();
    const secretary = await t.as(people.secretary);
    const asked = await member.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '需要医疗队处理' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'claimed', teamId: teams.compound.id, returnRequest: { reason: '需要医疗队处理', requestedById: people.member.id } });
    expect(asked.body.actions).not.toContain('return');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '再退' }), 409, 'REQUEST_PENDING');
    // The community's secretary hears of it and has it to decide; the other community's does not.
    expect(await typesFor(secretary, ticket.id)).toContain('return_requested');
    expect(await approvals(secretary)).toContain(ticket.id);
    expect(await approvals(await t.as(people.otherCommunitySecretary))).not.toContain(ticket.id);
    // The team may not rule on its own return; the other community's secretary does not see it.
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/return/approve`, {}), 403, 'FORBIDDEN');
    expectError(await (await t.as(people.leader)).post(`/api/v1/tickets/${ticket.id}/return/approve`, {}), 403, 'FORBIDDEN');
    expectError(await (await t.as(people.otherCommunitySecretary)).post(`/api/v1/tickets/${ticket.id}/return/approve`, {}), 404, 'NOT_FOUND');
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: teams.compound.id }), 400, 'SAME_TEAM');
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: '00000000-0000-7000-8000-000000000000' }), 400, 'UNKNOWN_TEAM');
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket.version).toBe(asked.body.version);

    const approved = await secretary.post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: teams.village.id });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'assigned',
      teamId: teams.village.id,
      assigneeId: null,
      returnRequest: null,
      responseDueAt: ticket.responseDueAt,
      resolveDueAt: ticket.resolveDueAt,
      claimedAt: ticket.claimedAt,
    });
    expect(await approvals(secretary)).not.toContain(ticket.id);
    expect(await typesFor(member, ticket.id)).toContain('return_approved');
    expect(await typesFor(await t.as(people.otherMember), ticket.id)).toContain('transferred');
    const { body } = await secretary.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.events.map((e: { type: string }) => e.type).slice(-2)).toEqual(['return_requested', 'return_approved']);
  });

  it('when a return is approved without a team, then it is routed again without the team that returned it', async () => {
    // 孙大伟's address routes to 春晖小区's team; without it, nothing general is left up the tree.
    const { member, ticket } = await claimedTicket('不归本队');
    await member.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '不归本队' });
    const approved = await (await t.as(people.secretary)).post(`/api/v1/tickets/${ticket.id}/return/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.teamId).not.toBe(teams.compound.id);
    expect(approved.body).toMatchObject({ status: 'assigned', returnRequest: null });
  });

  it('when a return is rejected, then the team keeps working it and the member hears why', async () => {
    const { member, ticket } = await claimedTicket();
    await member.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '太远了' });
    const secretary = await t.as(people.subdistrictSecretary);
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/return/reject`, {}), 400, 'VALIDATION_ERROR');
    const rejected = await secretary.post(`/api/v1/tickets/${ticket.id}/return/reject`, { reason: '本小区的事，请继续办理' });
    expect(rejected.body).toMatchObject({ status: 'claimed', teamId: teams.compound.id, assigneeId: people.member.id, returnRequest: null });
    expect(await typesFor(member, ticket.id)).toContain('return_rejected');
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/return/reject`, { reason: '再驳回' }), 409, 'NOTHING_PENDING');
  });

  it('when a secretary approves her own request, then 403 and nothing changes', async () => {
    // 许国华 leads a team of her own here, so she may ask for a return and could try to approve it.
    await t.make.member(teams.compound, people.secretary, { role: 'leader' });
    const { ticket } = await claimedTicket();
    const secretary = await t.as(people.secretary);
    await secretary.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '交给柳树屯' });
    const before = (await secretary.get(`/api/v1/tickets/${ticket.id}`)).body.ticket;
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: teams.village.id }), 403, 'OWN_REQUEST');
    expect((await secretary.get(`/api/v1/tickets/${ticket.id}`)).body.ticket).toEqual(before);
    // Another secretary of the area may.
    expect((await (await t.as(people.subdistrictSecretary)).post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: teams.village.id })).status).toBe(200);
  });

  it('when an extension is approved, then the due time moves, the ticket stops being overdue, and the ledger shows 延期 and why', async () => {
    const { member, ticket } = await claimedTicket('陪老人下周二去医院复查');
    // Past its 48 h resolve limit: overdue.
    t.clock.advance(49 * HOUR);
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket.overdue).toBe(true);
    await t.app.services.sweep.run(t.clock.now());
    const now = t.clock.now().getTime();
    const until = new Date(now + 5 * DAY).toISOString();
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until: new Date(now - HOUR).toISOString(), reason: '过去' }), 400, 'INVALID_EXTENSION');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until: new Date(now + 31 * DAY).toISOString(), reason: '太久' }), 400, 'INVALID_EXTENSION');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until: 'next tuesday', reason: 'x' }), 400, 'VALIDATION_ERROR');
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until }), 400, 'VALIDATION_ERROR');
    expectError(await (await t.as(people.resident)).post(`/api/v1/tickets/${ticket.id}/extension`, { until, reason: '我想延期' }), 403, 'FORBIDDEN');
    const asked = await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until, reason: '医院预约在下周二' });
    expect(asked.body).toMatchObject({ resolveDueAt: ticket.resolveDueAt, overdue: true, extension: { until, reason: '医院预约在下周二' } });
    const secretary = await t.as(people.secretary);
    expect(await typesFor(secretary, ticket.id)).toContain('extension_requested');
    expect(await approvals(secretary)).toContain(ticket.id);
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/extension/approve`), 403, 'FORBIDDEN');

    const approved = await secretary.post(`/api/v1/tickets/${ticket.id}/extension/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ resolveDueAt: until, dueAt: until, overdue: false, extension: null });
    expect(await typesFor(member, ticket.id)).toContain('extended');
    const { body } = await secretary.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.events.at(-1)).toMatchObject({ type: 'extended', data: { until, reason: '医院预约在下周二', previousDueAt: ticket.resolveDueAt } });
    // The sweep reads the new due time: past where the old clock's level 2 was, nothing climbs.
    t.clock.advance(48 * HOUR);
    await t.app.services.sweep.run(t.clock.now());
    const swept = (await secretary.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(swept.events.filter((e: { type: string }) => e.type === 'escalated').map((e: { data: { level: number } }) => e.data.level)).toEqual([1]);
    expect(swept.ticket.overdue).toBe(false);
    // Not overdue any more in the lists either.
    expect((await member.get('/api/v1/tickets?scope=team&overdue=true&limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(ticket.id);

    const from = new Date(now - 3 * DAY).toISOString();
    const to = new Date(now + DAY).toISOString();
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/exports/tickets.csv?from=${from}&to=${to}`,
      headers: { authorization: `Bearer ${await secretary.bearer()}` },
    });
    expect(csv.statusCode).toBe(200);
    const line = csv.rawPayload.toString('utf8').split('\r\n').find((l) => l.startsWith(ticket.number))!;
    // 延期至 (Beijing time) and 延期原因, just before 回访方式 (empty: nobody confirmed on anyone's behalf).
    expect(line.split(',').slice(-3)).toEqual([chinaTime(until), '医院预约在下周二', '']);
  });

  it('when an extension is rejected, then the old due time stands', async () => {
    const { member, ticket } = await claimedTicket();
    const until = new Date(new Date(ticket.resolveDueAt).getTime() + DAY).toISOString();
    await member.post(`/api/v1/tickets/${ticket.id}/extension`, { until, reason: '材料没到' });
    const rejected = await (await t.as(people.secretary)).post(`/api/v1/tickets/${ticket.id}/extension/reject`, { reason: '请按时办结' });
    expect(rejected.body).toMatchObject({ resolveDueAt: ticket.resolveDueAt, extension: null });
    expect(await typesFor(member, ticket.id)).toContain('extension_rejected');
  });

  it('when a hand-off waits more than 30 minutes, then it shows in the secretary’s 待审批', async () => {
    const { member, ticket } = await claimedTicket();
    await member.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
    const secretary = await t.as(people.secretary);
    expect(await approvals(secretary)).not.toContain(ticket.id);
    t.clock.advance(31 * 60_000);
    expect(await approvals(secretary)).toContain(ticket.id);
    // Residents and members have no 待审批.
    expectError(await member.get('/api/v1/tickets?scope=approvals'), 403, 'FORBIDDEN');
  });

  it('when approve races reject, then exactly one wins and the other gets 409', async () => {
    for (let round = 0; round < 5; round++) {
      const { member, ticket } = await claimedTicket(`竞争 ${round}`);
      await member.post(`/api/v1/tickets/${ticket.id}/return`, { reason: '不归本队' });
      const [a, b] = [await t.as(people.secretary), await t.as(people.subdistrictSecretary)];
      const replies = await Promise.all([
        a.post(`/api/v1/tickets/${ticket.id}/return/approve`, { teamId: teams.village.id }),
        b.post(`/api/v1/tickets/${ticket.id}/return/reject`, { reason: '继续办' }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(replies.find((r) => r.status === 409)!.body.error.code).toBe('NOTHING_PENDING');
      const { body } = await a.get(`/api/v1/tickets/${ticket.id}`);
      const rulings = body.events.filter((e: { type: string }) => e.type === 'return_approved' || e.type === 'return_rejected');
      expect(rulings).toHaveLength(1);
      expect(body.ticket.teamId).toBe(rulings[0].type === 'return_approved' ? teams.village.id : teams.compound.id);

      const until = new Date(new Date(body.ticket.resolveDueAt).getTime() + DAY).toISOString();
      const holder = rulings[0].type === 'return_approved' ? null : member;
      if (!holder) continue;
      await holder.post(`/api/v1/tickets/${ticket.id}/extension`, { until, reason: '等药' });
      const ext = await Promise.all([a.post(`/api/v1/tickets/${ticket.id}/extension/approve`), b.post(`/api/v1/tickets/${ticket.id}/extension/reject`, { reason: '不行' })]);
      expect(ext.map((r) => r.status).sort()).toEqual([200, 409]);
    }
  });
});
