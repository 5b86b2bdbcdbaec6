import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const medicine = (description: string, items: { name: string; quantity: number; unit: string; note?: string }[]) => ({
  category: 'medicine',
  urgency: 'normal',
  description,
  items,
});

/** 跑腿批次: a member takes several medicine tickets on one trip, all claimed or none. */
describe('errands', () => {
  let t: TestApp;
  let org: SmallOrg;
  let member: Client;
  let member2: Client;
  let leader: Client;
  let resident: Client;
  let neighbour: Client;

  const errandCount = async () => (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM errands`))[0]!.n;
  const status = async (id: string) => (await member.get(`/api/v1/tickets/${id}`)).body.ticket.status;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    member = await t.as(org.people.member);
    member2 = await t.as(org.people.member2);
    leader = await t.as(org.people.leader);
    resident = await t.as(org.people.resident);
    neighbour = await t.as(org.people.neighbour);
  });
  afterAll(async () => t?.close());

  it('when a member batches three medicine tickets, then they are claimed, one shopping list sums them, and each resident sees 队员正在集中采购', async () => {
    const a = (await resident.file(medicine('降压药', [{ name: '硝苯地平缓释片', quantity: 2, unit: '盒', note: '可用同类替代' }, { name: '口罩', quantity: 10, unit: '只' }]))).body;
    const b = (await resident.file(medicine('感冒药', [{ name: '连花清瘟胶囊', quantity: 1, unit: '盒' }]))).body;
    const c = (await neighbour.file(medicine('降压药', [{ name: '硝苯地平缓释片', quantity: 1, unit: '盒', note: '不可替代' }]))).body;
    for (const ticket of [a, b, c]) expect(ticket.status).toBe('assigned');

    const made = await member.post('/api/v1/errands', { ticketIds: [a.id, b.id, c.id], note: '去惠民药房' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ memberName: '吴小燕', note: '去惠民药房', doneAt: null });
    expect(made.body.tickets.map((x: { id: string }) => x.id)).toEqual([a.id, b.id, c.id]);
    const pills = made.body.shoppingList.find((l: { name: string }) => l.name === '硝苯地平缓释片');
    expect(pills).toMatchObject({ unit: '盒', quantity: 3, substitutesAllowed: false });
    expect(pills.for.map((f: { forName: string; quantity: number }) => [f.forName, f.quantity])).toEqual([['孙大伟', 2], ['钱秀英', 1]]);
    expect(made.body.shoppingList.map((l: { name: string }) => l.name)).toEqual(['硝苯地平缓释片', '口罩', '连花清瘟胶囊']);

    const seen = await resident.get(`/api/v1/tickets/${a.id}`);
    expect(seen.body.ticket).toMatchObject({ status: 'claimed', assigneeId: member.userId });
    expect(seen.body.events.some((e: { type: string; data: { text?: string } }) => e.type === 'note' && e.data.text === '队员正在集中采购')).toBe(true);
    expect((await resident.get('/api/v1/notifications')).body.items.map((n: { type: string }) => n.type)).toContain('claimed');

    const mine = await member.get('/api/v1/errands?mine=true');
    expect(mine.body.items.map((e: { id: string }) => e.id)).toEqual([made.body.id]);
    // The team's leader sees it; another member and the resident do not.
    expect((await leader.get(`/api/v1/errands/${made.body.id}`)).status).toBe(200);
    expect((await member2.get(`/api/v1/errands/${made.body.id}`)).status).toBe(404);
    expect((await resident.get(`/api/v1/errands/${made.body.id}`)).status).toBe(404);

    // Delivering each resolves it; the resident sees it resolved with the member's words.
    const first = await member.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: a.id, text: '药已送到门口' });
    expect(first.status).toBe(200);
    expect(first.body.tickets[0]).toMatchObject({ status: 'resolved', deliveredAt: t.clock.now().toISOString() });
    const resolved = await resident.get(`/api/v1/tickets/${a.id}`);
    expect(resolved.body.ticket.status).toBe('resolved');
    expect(resolved.body.events.find((e: { type: string }) => e.type === 'resolved').data.text).toBe('药已送到门口');
    const again = await member.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: a.id });
    expect(again.status).toBe(409);
    const outside = (await resident.file(medicine('另一单', [{ name: '布洛芬', quantity: 1, unit: '盒' }]))).body;
    expect((await member.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: outside.id })).status).toBe(404);
    expect(await status(outside.id)).toBe('assigned');
    expect((await member2.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: b.id })).status).toBe(404);
    await member.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: b.id });
    const last = await member.post(`/api/v1/errands/${made.body.id}/deliver`, { ticketId: c.id });
    expect(last.body.doneAt).toBe(t.clock.now().toISOString());
    expect((await neighbour.get(`/api/v1/tickets/${c.id}`)).body.ticket.status).toBe('resolved');
  });

  it('when one ticket of the batch cannot go (another team, closed, claimed by someone else, in another errand), then 409 names it and nothing changes', async () => {
    const open = (await resident.file(medicine('退烧药', [{ name: '布洛芬', quantity: 1, unit: '盒' }]))).body;
    const otherTeam = (await (await t.as(org.people.otherCompoundResident)).file(medicine('降糖药', [{ name: '二甲双胍', quantity: 1, unit: '盒' }]))).body;
    const cancelled = (await resident.file(medicine('不要了', [{ name: '维生素', quantity: 1, unit: '瓶' }]))).body;
    await resident.post(`/api/v1/tickets/${cancelled.id}/cancel`, { reason: '已自行购买' });
    const taken = (await resident.file(medicine('止咳药', [{ name: '止咳糖浆', quantity: 1, unit: '瓶' }]))).body;
    expect((await member2.post(`/api/v1/tickets/${taken.id}/claim`)).status).toBe(200);
    const inOther = (await resident.file(medicine('眼药水', [{ name: '眼药水', quantity: 1, unit: '支' }]))).body;
    expect((await member.post('/api/v1/errands', { ticketIds: [inOther.id] })).status).toBe(201);

    const before = await errandCount();
    for (const [bad, reason] of [
      [otherTeam, null],
      [cancelled, 'not_open'],
      [taken, 'claimed_by_other'],
      [inOther, 'in_errand'],
    ] as const) {
      const reply = await member.post('/api/v1/errands', { ticketIds: [open.id, bad.id] });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('ERRAND_TICKET_UNAVAILABLE');
      expect(reply.body.error.details.ticketId).toBe(bad.id);
      if (reason) {
        expect(reply.body.error.details.reason).toBe(reason);
        expect(reply.body.error.message).toContain(bad.number);
      }
    }
    expect(await status(open.id)).toBe('assigned');
    expect(await errandCount()).toBe(before);
  });

  it('when a ticket of the batch has a hand-off waiting, then the claim is refused with the state machine\'s reason, named, and nothing changes', async () => {
    const open = (await resident.file(medicine('碘伏', [{ name: '碘伏', quantity: 1, unit: '瓶' }]))).body;
    const offered = (await resident.file(medicine('棉签', [{ name: '棉签', quantity: 1, unit: '包' }]))).body;
    expect((await leader.post(`/api/v1/tickets/${offered.id}/transfer`, { teamId: org.teams.village.id, reason: '柳树屯的队员顺路' })).status).toBe(200);
    const before = await errandCount();
    const reply = await member.post('/api/v1/errands', { ticketIds: [open.id, offered.id] });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({ code: 'ERRAND_TICKET_UNAVAILABLE', details: { ticketId: offered.id, number: offered.number, reason: 'not_allowed' } });
    expect(reply.body.error.message).toContain(`工单 ${offered.number} `);
    expect(reply.body.error.message).toContain('这一趟跑腿没有建立');
    expect(await status(open.id)).toBe('assigned');
    expect(await errandCount()).toBe(before);
  });

  it('when someone who is no member asks, or the input is bad, then 403 or 400 in the contract shape and nothing is made', async () => {
    const open = (await resident.file(medicine('钙片', [{ name: '钙片', quantity: 1, unit: '瓶' }]))).body;
    const before = await errandCount();
    const refused = await resident.post('/api/v1/errands', { ticketIds: [open.id] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    for (const body of [{ ticketIds: [] }, { ticketIds: ['nope'] }, { ticketIds: [open.id, open.id] }, { ticketIds: [open.id], extra: 1 }]) {
      const reply = await member.post('/api/v1/errands', body);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect(await errandCount()).toBe(before);
    expect(await status(open.id)).toBe('assigned');
  });

  it('when two members put the same ticket in an errand at once, then exactly one errand has it', async () => {
    const open = (await resident.file(medicine('同时', [{ name: '体温计', quantity: 1, unit: '支' }]))).body;
    const replies = await Promise.all([member, member2].map((m) => m.post('/api/v1/errands', { ticketIds: [open.id] })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const [row] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM errand_tickets WHERE ticket_id = ${open.id}`);
    expect(row!.n).toBe(1);
  });
});
