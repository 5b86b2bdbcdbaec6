import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Reply, type TestApp } from '../support/test-app.js';

const HOUR = 3600_000;

/** 可能重复: the same need for the same person filed twice is flagged for the team. */
describe('possible duplicates', () => {
  let t: TestApp;
  let people: SmallOrg['people'], areas: SmallOrg['areas'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, areas } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  it('when the son and the grid worker file the same milk for 王秀兰, then the second is flagged with the first', async () => {
    const unit = areas.building1.id;
    const son = await t.as({ phone: '13700000201' });
    const gridWorker = await t.as(people.member2);
    const milk = { category: 'supplies', urgency: 'normal', description: '给王秀兰买两箱牛奶', beneficiary: { name: '王秀兰', areaId: unit } };
    const first = await son.file(milk);
    expect(first.body.possibleDuplicateOf).toEqual([]);
    t.clock.advance(3 * HOUR);
    const second = await gridWorker.file({ ...milk, description: '王秀兰奶奶要牛奶' });
    expect(second.status).toBe(201);
    expect(second.body.possibleDuplicateOf).toEqual([first.body.id]);
    // The team sees it flagged in its queue.
    const queue = await (await t.as(people.leader)).get('/api/v1/tickets?scope=team&open=true&limit=100');
    expect(queue.body.items.find((i: { id: string }) => i.id === second.body.id).possibleDuplicateOf).toEqual([first.body.id]);
  });

  it('when the same resident files the same category twice, then flagged; another category, another person, or after 72 h, not', async () => {
    const resident = await t.as(people.resident);
    const first = await resident.file({ category: 'medicine', urgency: 'normal', description: '降压药' });
    t.clock.advance(HOUR);
    expect((await resident.file({ category: 'medicine', urgency: 'urgent', description: '降压药，急' })).body.possibleDuplicateOf).toEqual([first.body.id]);
    expect((await resident.file({ category: 'help', urgency: 'normal', description: '修水管' })).body.possibleDuplicateOf).toEqual([]);
    expect((await (await t.as(people.neighbour)).file({ category: 'medicine', urgency: 'normal', description: '降压药' })).body.possibleDuplicateOf).toEqual([]);
    t.clock.advance(73 * HOUR);
    // Both earlier medicine tickets are older than 72 h now.
    expect((await resident.file({ category: 'medicine', urgency: 'normal', description: '又要药了' })).body.possibleDuplicateOf).toEqual([]);
  });

  it('when the first ticket is no longer open, then the new one is not flagged', async () => {
    const resident = await t.as(people.otherCompoundResident);
    const first = await resident.file({ category: 'supplies', urgency: 'normal', description: '大米' });
    await resident.post(`/api/v1/tickets/${first.body.id}/cancel`, { reason: '不需要了' });
    expect((await resident.file({ category: 'supplies', urgency: 'normal', description: '大米' })).body.possibleDuplicateOf).toEqual([]);
  });

  function expectError(reply: Reply, status: number, code: string) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  }

  it('when the duplicate is merged, then it is cancelled and the son sees and hears of the surviving ticket', async () => {
    const unit = areas.building5.id;
    const son = await t.as({ phone: '13700000301' });
    const gridWorker = await t.as(people.member2);
    const need = { category: 'medicine', urgency: 'normal', beneficiary: { name: '李奶奶', areaId: unit } };
    const stays = (await gridWorker.file({ ...need, description: '李奶奶的胰岛素' })).body;
    const duplicate = (await son.file({ ...need, description: '给我妈买胰岛素' })).body;
    // The grid worker's ticket is the team's to know of, not the son's (issue 16.2).
    expect(duplicate.possibleDuplicateOf).toEqual([]);
    const leader = await t.as(people.leader);
    expect((await leader.get(`/api/v1/tickets/${duplicate.id}`)).body.ticket.possibleDuplicateOf).toEqual([stays.id]);
    const merged = await leader.post(`/api/v1/tickets/${duplicate.id}/merge`, { intoTicketId: stays.id });
    expect(merged.status).toBe(200);
    expect(merged.body.status).toBe('cancelled');
    const timeline = (await leader.get(`/api/v1/tickets/${duplicate.id}`)).body.events;
    expect(timeline.at(-1)).toMatchObject({ type: 'cancelled', data: { reason: 'merged', mergedInto: stays.id } });
    // The son follows the one that stays: he sees it, finds it in his list, and hears what happens to it.
    expect((await son.get(`/api/v1/tickets/${stays.id}`)).status).toBe(200);
    expect((await son.get('/api/v1/tickets?scope=mine&limit=100')).body.items.map((i: { id: string }) => i.id)).toContain(stays.id);
    const member = await t.as(people.member2);
    await member.post(`/api/v1/tickets/${stays.id}/claim`);
    const inbox = (await son.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string }[];
    expect(inbox.filter((n) => n.ticketId === stays.id).map((n) => n.type)).toContain('claimed');
    expect(inbox.filter((n) => n.ticketId === duplicate.id).map((n) => n.type)).toContain('merged');
    expect((await leader.get(`/api/v1/tickets/${stays.id}`)).body.events.at(-2)).toMatchObject({ type: 'merged', data: { fromTicketId: duplicate.id } });
  });

  it('when a merge is into itself, into a closed ticket, into an unknown one or across teams, then the contract error and nothing changes', async () => {
    const resident = await t.as(people.resident);
    const a = (await resident.file({ category: 'help', urgency: 'normal', description: '甲' })).body;
    const closed = (await resident.file({ category: 'help', urgency: 'normal', description: '乙' })).body;
    await resident.post(`/api/v1/tickets/${closed.id}/cancel`, { reason: '不需要了' });
    const elsewhere = (await (await t.as(people.otherResident)).file({ category: 'help', urgency: 'normal', description: '柳树屯的' })).body;
    const member = await t.as(people.member);
    const url = `/api/v1/tickets/${a.id}/merge`;
    expectError(await member.post(url, { intoTicketId: a.id }), 400, 'SAME_TICKET');
    expectError(await member.post(url, { intoTicketId: closed.id }), 409, 'MERGE_TARGET_CLOSED');
    expectError(await member.post(url, { intoTicketId: '00000000-0000-7000-8000-000000000000' }), 400, 'UNKNOWN_TICKET');
    expectError(await member.post(url, {}), 400, 'VALIDATION_ERROR');
    // 吴小燕 cannot see 柳树屯's ticket; the community's secretary sees both but is in neither team.
    expectError(await member.post(url, { intoTicketId: elsewhere.id }), 400, 'UNKNOWN_TICKET');
    expectError(await (await t.as(people.secretary)).post(url, { intoTicketId: elsewhere.id }), 403, 'FORBIDDEN');
    expectError(await resident.post(url, { intoTicketId: closed.id }), 403, 'FORBIDDEN');
    expect((await member.get(`/api/v1/tickets/${a.id}`)).body.ticket).toMatchObject({ status: 'assigned', version: a.version });
  });

  it('when two merges of the same pair run at once, either way round, then exactly one wins and the other gets 409', async () => {
    const resident = await t.as(people.resident);
    for (let round = 0; round < 4; round++) {
      const a = (await resident.file({ category: 'supplies', urgency: 'normal', description: `面条 ${round}` })).body;
      const b = (await resident.file({ category: 'supplies', urgency: 'normal', description: `挂面 ${round}` })).body;
      const [m1, m2] = [await t.as(people.member), await t.as(people.leader)];
      const crossed = round % 2 === 1;
      const replies = await Promise.all([
        m1.post(`/api/v1/tickets/${a.id}/merge`, { intoTicketId: b.id }),
        crossed ? m2.post(`/api/v1/tickets/${b.id}/merge`, { intoTicketId: a.id }) : m2.post(`/api/v1/tickets/${a.id}/merge`, { intoTicketId: b.id }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const statuses = [(await m1.get(`/api/v1/tickets/${a.id}`)).body.ticket.status, (await m1.get(`/api/v1/tickets/${b.id}`)).body.ticket.status];
      // One stays open, one is cancelled: never both merged into each other.
      expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(1);
    }
  });
});
