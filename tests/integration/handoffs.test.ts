import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type Reply, type TestApp } from '../support/test-app.js';

/**
 * 首接负责: a hand-off leaves the ticket with the first team (its queue, its clock) until a member
 * of the receiving team accepts; a secretary over both teams moves it at once; after three moves
 * only a secretary does.
 */
describe('hand-offs', () => {
  let t: TestApp;
  let people: SmallOrg['people'], teams: SmallOrg['teams'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, teams } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  /** A ticket for building 3, claimed by its responsible member (吴小燕) unless told otherwise. */
  async function claimedTicket(claim = true) {
    const resident = await t.as(people.resident);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: '亲戚住在柳树屯，需要帮忙送饭' });
    const member = await t.as(people.member);
    if (claim) expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    return { resident, member, ticket: (await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket };
  }

  const inbox = async (who: Client) => (await who.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string; body: string }[];
  const typesFor = async (who: Client, ticketId: string) => (await inbox(who)).filter((n) => n.ticketId === ticketId).map((n) => n.type);

  function expectError(reply: Reply, status: number, code: string) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  }

  it('when a member hands a ticket to another team, then she still sees and works it, on her clock, until that team accepts', async () => {
    const { member, ticket } = await claimedTicket();
    t.clock.advance(10 * 60_000);
    const offered = await member.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
    expect(offered.status).toBe(200);
    expect(offered.body).toMatchObject({
      status: 'claimed',
      teamId: teams.compound.id,
      assigneeId: people.member.id,
      responseDueAt: ticket.responseDueAt,
      resolveDueAt: ticket.resolveDueAt,
      dueAt: ticket.dueAt,
      handoff: { toTeamId: teams.village.id, reason: '地址在柳树屯', requestedById: people.member.id, requestedAt: t.clock.now().toISOString() },
      handoffCount: 0,
    });
    // Still hers: she reads it, notes on it, and it stays in her team's queue.
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/note`, { text: '已联系柳树屯' })).status).toBe(200);
    const queue = await member.get('/api/v1/tickets?scope=team&open=true&limit=100');
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(ticket.id);
    // A second offer while one waits is refused, and changes nothing.
    const before = (await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket;
    expectError(await member.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.otherCompound.id, reason: '再转' }), 409, 'REQUEST_PENDING');
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).body.ticket.version).toBe(before.version);

    // The receiving team hears of it, sees it in its 待接收 list, and may accept or decline only.
    const villager = await t.as(people.otherMember);
    expect(await typesFor(villager, ticket.id)).toContain('handoff');
    const incoming = await villager.get('/api/v1/tickets?scope=incoming');
    expect(incoming.body.items.map((i: { id: string }) => i.id)).toEqual([ticket.id]);
    expect(incoming.body.items[0].actions).toEqual(['acceptHandoff', 'declineHandoff']);
    expect((await villager.get('/api/v1/tickets?scope=team&open=true')).body.items.map((i: { id: string }) => i.id)).not.toContain(ticket.id);
    expectError(await villager.post(`/api/v1/tickets/${ticket.id}/claim`), 403, 'FORBIDDEN');

    t.clock.advance(20 * 60_000);
    const accepted = await villager.post(`/api/v1/tickets/${ticket.id}/handoff/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'claimed',
      teamId: teams.village.id,
      assigneeId: people.otherMember.id,
      // The first clock stands: the first claim, both due times.
      claimedAt: ticket.claimedAt,
      responseDueAt: ticket.responseDueAt,
      resolveDueAt: ticket.resolveDueAt,
      handoff: null,
      handoffCount: 1,
    });
    expect(accepted.body).toEqual((await villager.get(`/api/v1/tickets/${ticket.id}`)).body.ticket);
    // Now it is the other team's: the first member no longer sees it and hears it was accepted.
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(404);
    expect(await typesFor(member, ticket.id)).toContain('handoff_accepted');
    const { body } = await villager.get(`/api/v1/tickets/${ticket.id}`);
    const types = body.events.map((e: { type: string }) => e.type);
    expect(types.slice(-4)).toEqual(['handoff_requested', 'note', 'transferred', 'claimed']);
    expect(body.events.find((e: { type: string }) => e.type === 'transferred').data).toMatchObject({
      fromTeamId: teams.compound.id,
      toTeamId: teams.village.id,
      reason: '地址在柳树屯',
      accepted: true,
    });
  });

  it('when the receiving team declines, then the first team keeps it and its leader hears why', async () => {
    const { member, ticket } = await claimedTicket();
    await member.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
    const villageLeader = await t.as(people.villageLeader);
    expectError(await villageLeader.post(`/api/v1/tickets/${ticket.id}/handoff/decline`, {}), 400, 'VALIDATION_ERROR');
    const declined = await villageLeader.post(`/api/v1/tickets/${ticket.id}/handoff/decline`, { reason: '老人住在春晖小区' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ teamId: teams.compound.id, assigneeId: people.member.id, status: 'claimed', handoff: null, handoffCount: 0 });
    // The village team no longer sees it; the member and the leader were told.
    expect((await villageLeader.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(404);
    expect(await typesFor(member, ticket.id)).toContain('handoff_declined');
    expect(await typesFor(await t.as(people.leader), ticket.id)).toContain('handoff_declined');
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.events.at(-1)).toMatchObject({ type: 'handoff_declined', actorId: people.villageLeader.id, data: { reason: '老人住在春晖小区' } });
  });

  it('when a secretary over both teams transfers, then it moves at once; over only one, it is refused', async () => {
    const { ticket } = await claimedTicket();
    // 许国华 is secretary of 春晖社区, which holds both 春晖小区 and 柳树屯.
    const secretary = await t.as(people.secretary);
    expectError(await secretary.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.otherCompound.id, reason: '和睦家园' }), 403, 'FORBIDDEN');
    const moved = await secretary.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '书记协调' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'assigned', teamId: teams.village.id, assigneeId: null, handoff: null, handoffCount: 1, claimedAt: ticket.claimedAt });
    expect(await typesFor(await t.as(people.otherMember), ticket.id)).toContain('transferred');
  });

  it('when a ticket has moved three times, then its team can no longer hand it off, but a secretary can move it', async () => {
    const { member, ticket } = await claimedTicket();
    const hops: [Client, string][] = [
      [await t.as(people.otherMember), teams.village.id],
      [await t.as(people.member), teams.compound.id],
      [await t.as(people.otherCompoundMember), teams.otherCompound.id],
    ];
    let holder = member;
    for (const [receiver, teamId] of hops) {
      expect((await holder.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId, reason: '不归我们管' })).status).toBe(200);
      expect((await receiver.post(`/api/v1/tickets/${ticket.id}/handoff/accept`)).status).toBe(200);
      holder = receiver;
    }
    const after = (await holder.get(`/api/v1/tickets/${ticket.id}`)).body.ticket;
    expect(after).toMatchObject({ teamId: teams.otherCompound.id, handoffCount: 3 });
    expect(after.actions).not.toContain('transfer');
    expectError(await holder.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.compound.id, reason: '第四次' }), 403, 'HANDOFF_LIMIT');
    // 曹国平 oversees the whole subdistrict.
    const subdistrict = await t.as(people.subdistrictSecretary);
    const moved = await subdistrict.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.compound.id, reason: '书记定了：春晖小区办' });
    expect(moved.body).toMatchObject({ teamId: teams.compound.id, status: 'assigned', handoffCount: 4 });
  });

  it('when the input is bad or the person may not, then the contract error in Chinese, and nothing changes', async () => {
    const { member, ticket } = await claimedTicket();
    const url = `/api/v1/tickets/${ticket.id}`;
    expectError(await member.post(`${url}/transfer`, { teamId: teams.compound.id, reason: '同队' }), 400, 'SAME_TEAM');
    expectError(await member.post(`${url}/transfer`, { teamId: '00000000-0000-7000-8000-000000000000', reason: '不存在' }), 400, 'UNKNOWN_TEAM');
    expectError(await member.post(`${url}/transfer`, { teamId: 'not-a-uuid', reason: 'x' }), 400, 'VALIDATION_ERROR');
    expectError(await member.post(`${url}/transfer`, { teamId: teams.village.id, reason: 'x', extra: 1 }), 400, 'VALIDATION_ERROR');
    // Accepting what nobody offered: the first team's own leader may not; an outsider does not see it.
    expectError(await (await t.as(people.leader)).post(`${url}/handoff/accept`), 409, 'NOTHING_PENDING');
    expectError(await (await t.as(people.otherMember)).post(`${url}/handoff/accept`), 404, 'NOT_FOUND');
    await member.post(`${url}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
    const offered = (await member.get(url)).body.ticket;
    // Someone not in the receiving team: the first team's leader (403), another compound's member (404).
    expectError(await (await t.as(people.leader)).post(`${url}/handoff/accept`), 403, 'FORBIDDEN');
    expectError(await (await t.as(people.otherCompoundMember)).post(`${url}/handoff/accept`), 404, 'NOT_FOUND');
    expectError(await (await t.as(people.resident)).post(`${url}/handoff/decline`, { reason: '不要' }), 403, 'FORBIDDEN');
    expect((await member.get(url)).body.ticket).toEqual(offered);
  });
});

/** Races with one right outcome (meant for PostgreSQL, where the requests truly run at once). */
describe('hand-off races', () => {
  let t: TestApp;
  let people: SmallOrg['people'], teams: SmallOrg['teams'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, teams } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  it('when two members of the receiving team accept at once, then exactly one wins and the other gets 409', async () => {
    for (let round = 0; round < 5; round++) {
      const resident = await t.as(people.resident);
      const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: `送饭 ${round}` });
      const member = await t.as(people.member);
      await member.post(`/api/v1/tickets/${ticket.id}/claim`);
      await member.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
      const [a, b] = [await t.as(people.otherMember), await t.as(people.villageLeader)];
      const replies = await Promise.all([a.post(`/api/v1/tickets/${ticket.id}/handoff/accept`), b.post(`/api/v1/tickets/${ticket.id}/handoff/accept`)]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(replies.find((r) => r.status === 409)!.body.error.code).toBe('NOTHING_PENDING');
      const winner = replies.find((r) => r.status === 200)!.body;
      const { body } = await a.get(`/api/v1/tickets/${ticket.id}`);
      expect(body.ticket).toMatchObject({ assigneeId: winner.assigneeId, teamId: teams.village.id, handoffCount: 1 });
      expect(body.events.filter((e: { type: string }) => e.type === 'transferred')).toHaveLength(1);
    }
  });

  it('when an accept races a claim by the first team, then exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const resident = await t.as(people.resident);
      const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: `帮忙 ${round}` });
      const leader = await t.as(people.leader);
      await leader.post(`/api/v1/tickets/${ticket.id}/transfer`, { teamId: teams.village.id, reason: '地址在柳树屯' });
      const [claimer, accepter] = [await t.as(people.member2), await t.as(people.otherMember)];
      const [claim, accept] = await Promise.all([claimer.post(`/api/v1/tickets/${ticket.id}/claim`), accepter.post(`/api/v1/tickets/${ticket.id}/handoff/accept`)]);
      // The offer holds until answered, so the accept wins; the claim is told the ticket is on offer
      // (409) or, once it has moved, no longer finds it among its team's (404).
      expect(accept.status).toBe(200);
      expect([409, 404]).toContain(claim.status);
      if (claim.status === 409) expect(claim.body.error.code).toBe('REQUEST_PENDING');
      const { body } = await accepter.get(`/api/v1/tickets/${ticket.id}`);
      expect(body.ticket).toMatchObject({ status: 'claimed', assigneeId: people.otherMember.id, teamId: teams.village.id });
      expect(body.events.filter((e: { type: string }) => e.type === 'claimed')).toHaveLength(1);
    }
  });
});
