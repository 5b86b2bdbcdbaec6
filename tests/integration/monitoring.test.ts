import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, URGENCIES } from '@minhu/domain';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const MIN = 60_000;
const allPolicies = (override: (c: string, u: string) => { claimWithinSeconds: number; resolveWithinSeconds: number } | null = () => null) =>
  CATEGORIES.flatMap((category) =>
    URGENCIES.map((urgency) => ({
      category,
      urgency,
      ...(override(category, urgency) ?? { claimWithinSeconds: 7200, resolveWithinSeconds: 172800 }),
    })),
  );

describe('time-limit policies', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp();
    ({ people } = await smallOrg(t.make));
    admin = await t.as(people.admin);
  });
  afterAll(async () => t?.close());

  it('when none are set, then the defaults are in force and shown', async () => {
    const { body } = await admin.get('/api/v1/sla-policies');
    expect(body.source).toBe('default');
    // Every category × urgency, and the same again tighter for 管控区 and 封控区.
    expect(body.items).toHaveLength(36);
    expect(body.items.filter((p: any) => p.controlLevel === null)).toHaveLength(12);
    expect(body.items.find((p: any) => p.category === 'medicine' && p.urgency === 'emergency')).toMatchObject({
      claimWithinSeconds: 600,
      resolveWithinSeconds: 7200,
    });
  });

  it('refuses non-admins, incomplete sets, duplicates and absurd limits, changing nothing', async () => {
    const leader = await t.as(people.leader);
    expect((await leader.put('/api/v1/sla-policies', allPolicies())).status).toBe(403);
    const incomplete = await admin.put('/api/v1/sla-policies', allPolicies().slice(1));
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.code).toBe('INVALID_POLICIES');
    expect(incomplete.body.error.message).toContain('medicine/normal');
    expect(incomplete.body.error.message).toContain('购药·一般');
    expect((await admin.put('/api/v1/sla-policies', [...allPolicies(), allPolicies()[0]])).body.error.code).toBe('INVALID_POLICIES');
    for (const bad of [
      { claimWithinSeconds: 0, resolveWithinSeconds: 10 },
      { claimWithinSeconds: -5, resolveWithinSeconds: 10 },
      { claimWithinSeconds: 8 * 24 * 3600, resolveWithinSeconds: 9 * 24 * 3600 },
      { claimWithinSeconds: 60, resolveWithinSeconds: 91 * 24 * 3600 },
      { claimWithinSeconds: 1.5, resolveWithinSeconds: 10 },
    ]) {
      const reply = await admin.put('/api/v1/sla-policies', allPolicies((c, u) => (c === 'help' && u === 'normal' ? bad : null)));
      expect(reply.status).toBe(400);
    }
    const shorter = await admin.put('/api/v1/sla-policies', allPolicies((c) => (c === 'help' ? { claimWithinSeconds: 600, resolveWithinSeconds: 60 } : null)));
    expect(shorter.body.error.code).toBe('INVALID_POLICIES');
    expect((await admin.get('/api/v1/sla-policies')).body.source).toBe('default');
  });

  it('applies a new policy to tickets filed after it, and a control-level one where it applies', async () => {
    const resident = await t.as(people.resident);
    const before = (await resident.file({ category: 'help', urgency: 'normal', description: '早一点的求助' })).body;
    const policies = [
      ...allPolicies((c, u) => (c === 'help' && u === 'normal' ? { claimWithinSeconds: 900, resolveWithinSeconds: 3600 } : null)),
      { category: 'help', urgency: 'normal', controlLevel: 'controlled', claimWithinSeconds: 300, resolveWithinSeconds: 1800 },
    ];
    const put = await admin.put('/api/v1/sla-policies', policies);
    expect(put.status).toBe(200);
    expect(put.body.source).toBe('custom');
    const after = (await resident.file({ category: 'help', urgency: 'normal', description: '晚一点的求助' })).body;
    expect(Date.parse(after.responseDueAt) - Date.parse(after.createdAt)).toBe(900_000);
    expect(Date.parse(before.responseDueAt) - Date.parse(before.createdAt)).toBe(2 * 3600_000);
    // 柳树屯 is a controlled area (管控区): the tighter limit.
    const villager = await t.as(people.otherResident);
    const controlled = (await villager.file({ category: 'help', urgency: 'urgent', description: '管控区的求助' })).body;
    expect(controlled.controlLevel).toBe('controlled');
    expect(Date.parse(controlled.responseDueAt) - Date.parse(controlled.createdAt)).toBe(7200_000);
    const lowered = await villager.file({ category: 'help', urgency: 'normal', description: '管控区的一般求助' });
    // She is elderly and living alone: raised to urgent for the team, whose limit has no
    // control-level variant; she sees the urgency she chose (issue 16.2).
    expect(lowered.body.urgency).toBe('normal');
    const villageLeader = await t.as(people.villageLeader);
    expect((await villageLeader.get(`/api/v1/tickets/${lowered.body.id}`)).body.ticket.urgency).toBe('urgent');
  });
});

describe('escalation, notifications and the quiet-period close', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  let admin: Client, resident: Client, leader: Client, member: Client, secretary: Client, subdistrict: Client;
  beforeAll(async () => {
    t = await startTestApp();
    ({ people } = await smallOrg(t.make));
    [admin, resident, leader, member, secretary, subdistrict] = [
      await t.as(people.admin),
      await t.as(people.resident),
      await t.as(people.leader),
      await t.as(people.member),
      await t.as(people.secretary),
      await t.as(people.subdistrictSecretary),
    ];
    await admin.put('/api/v1/sla-policies', allPolicies((_c, u) => (u === 'emergency' ? { claimWithinSeconds: 1, resolveWithinSeconds: 3600 } : null)));
  });
  afterAll(async () => t?.close());

  const inbox = async (c: Client, ticketId: string) =>
    ((await c.get('/api/v1/notifications?limit=100')).body.items as { type: string; ticketId: string; title: string }[])
      .filter((n) => n.ticketId === ticketId)
      .map((n) => n.type)
      .sort();

  it('when an emergency is filed, then the leader and the secretary hear at once, the member as the assignee', async () => {
    // Medical needs go to the community's medical team; this one stays with the compound's team.
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'emergency', description: '老人突然晕倒' });
    expect(await inbox(leader, ticket.id)).toContain('emergency');
    expect(await inbox(secretary, ticket.id)).toEqual(['emergency']);
    expect(await inbox(resident, ticket.id)).toEqual([]);
    // The message names the ticket's number, which is made in the same statement as the message.
    const [alert] = ((await secretary.get('/api/v1/notifications?limit=100')).body.items as { ticketId: string; body: string }[]).filter(
      (n) => n.ticketId === ticket.id,
    );
    expect(alert!.body).toContain(`编号 ${ticket.number}`);
  });

  it('when an emergency is left unclaimed, then it escalates one level at a time, each once', async () => {
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'emergency', description: '家中漏水，老人被困' });
    expect(ticket.assignee.name).toBe(people.member.name);
    expect(await inbox(member, ticket.id)).toEqual(['new_ticket']);

    t.clock.advance(1500);
    expect((await t.app.services.sweep.run(t.clock.now())).escalated).toBeGreaterThanOrEqual(1);
    const { body } = await resident.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket.overdue).toBe(true);
    expect(body.events.filter((e: any) => e.type === 'escalated').map((e: any) => e.data.level)).toEqual([1]);
    // The lists filter by it, with the other filters (each combination is a statement of its own).
    const listed = async (query: string) =>
      ((await leader.get(`/api/v1/tickets?scope=team&limit=100&${query}`)).body.items as { id: string }[]).map((x) => x.id);
    expect(await listed('overdue=true')).toContain(ticket.id);
    expect(await listed('overdue=false')).not.toContain(ticket.id);
    expect(await listed('overdue=true&urgency=emergency&category=help&open=true')).toContain(ticket.id);
    expect(await listed('overdue=true&category=medicine')).not.toContain(ticket.id);
    expect(await inbox(member, ticket.id)).toEqual(['new_ticket', 'overdue']);
    expect(await inbox(leader, ticket.id)).toEqual(['emergency', 'new_ticket', 'overdue']);
    expect(await inbox(secretary, ticket.id)).toEqual(['emergency']);

    // Sweeping again before the next rung changes nothing.
    expect(await t.app.services.sweep.run(t.clock.now())).toEqual({ escalated: 0, closed: 0 });
    expect(await inbox(leader, ticket.id)).toEqual(['emergency', 'new_ticket', 'overdue']);
    // Past twice the limit: the community's secretary; past three times: the subdistrict's.
    t.clock.advance(1000);
    await t.app.services.sweep.run(t.clock.now());
    expect(await inbox(secretary, ticket.id)).toEqual(['emergency', 'overdue']);
    expect(await inbox(subdistrict, ticket.id)).toEqual([]);
    t.clock.advance(1000);
    await t.app.services.sweep.run(t.clock.now());
    expect(await inbox(subdistrict, ticket.id)).toEqual(['overdue']);
    t.clock.advance(3600_000);
    await t.app.services.sweep.run(t.clock.now());
    const after = (await resident.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after.events.filter((e: any) => e.type === 'escalated').map((e: any) => e.data.level)).toEqual([1, 2, 3]);
    expect(await inbox(leader, ticket.id)).toEqual(['emergency', 'new_ticket', 'overdue']);
  });

  it('when a ticket is claimed and resolved, then the resident hears; left unconfirmed, it closes after the quiet period', async () => {
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'normal', description: '买米' });
    await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已送到' });
    expect(await inbox(resident, ticket.id)).toEqual(['claimed', 'resolved']);
    t.clock.advance(71 * 3600_000);
    await t.app.services.sweep.run(t.clock.now());
    expect((await resident.get(`/api/v1/tickets/${ticket.id}`)).body.ticket.status).toBe('resolved');
    t.clock.advance(2 * 3600_000);
    const swept = await t.app.services.sweep.run(t.clock.now());
    expect(swept.closed).toBeGreaterThanOrEqual(1);
    const { body } = await resident.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket.status).toBe('closed');
    expect(body.events.at(-1)).toMatchObject({ type: 'closed', actorId: null, data: { reason: 'auto', afterHours: 72 } });
    expect(await inbox(resident, ticket.id)).toEqual(['claimed', 'closed', 'resolved']);
  });

  it('when sweeps run at once on one database, batch by batch, then every escalation happens exactly once', async () => {
    const filed = [];
    for (let i = 0; i < 20; i++) filed.push((await resident.file({ category: 'help', urgency: 'emergency', description: `并发督办 ${i}` })).body);
    t.clock.advance(1500);
    // Batches of 3 and 7: many batches each, deciding on the same tickets, writing over each other.
    const sweep = (batch?: number) => t.app.services.sweep.run(t.clock.now(), batch);
    const runs = await Promise.all([sweep(3), sweep(7), sweep(), sweep(3)]);
    // Each sweep counts only what it wrote: the counts add up to the escalations made, once each.
    const counted = runs.reduce((n, r) => n + r.escalated, 0);
    const [made] = await t.handle.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM ticket_events WHERE type = 'escalated' AND at = ${t.clock.now().toISOString()}::timestamptz`,
    );
    expect(counted).toBe(made!.n);
    expect(counted).toBeGreaterThanOrEqual(20);
    expect(await sweep(2)).toEqual({ escalated: 0, closed: 0 });
    const [row] = await t.handle.rows<{ events: number; notes: number }>(
      sql`SELECT (SELECT count(*)::int FROM ticket_events WHERE type = 'escalated' AND ticket_id IN (${sql.join(filed.map((f) => sql`${f.id}`), sql`, `)})) AS events,
                 (SELECT count(*)::int FROM notifications WHERE type = 'overdue' AND ticket_id IN (${sql.join(filed.map((f) => sql`${f.id}`), sql`, `)})) AS notes`,
    );
    expect(row!.events).toBe(20);
    // Level 1 reaches the assignee and the leader: two people per ticket.
    expect(row!.notes).toBe(40);
  });

  it('when tickets of two teams come due in one sweep, then each team hears only of its own', async () => {
    const other = await t.as(people.otherResident);
    const ours = (await resident.file({ category: 'help', urgency: 'emergency', description: '春晖小区：老人被困' })).body;
    const theirs = (await other.file({ category: 'help', urgency: 'emergency', description: '柳树屯：独居老人求助' })).body;
    expect(ours.teamId).not.toBe(theirs.teamId);
    t.clock.advance(1500);
    await t.app.services.sweep.run(t.clock.now());
    const rows = await t.handle.rows<{ ticket_id: string; in_team: boolean }>(
      sql`SELECT n.ticket_id, EXISTS (SELECT 1 FROM tickets k JOIN team_members m ON m.team_id = k.team_id WHERE k.id = n.ticket_id AND m.user_id = n.user_id) AS in_team
          FROM notifications n WHERE n.type = 'overdue' AND n.ticket_id IN (${ours.id}, ${theirs.id})`,
    );
    expect(rows.filter((r) => r.ticket_id === ours.id).length).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.ticket_id === theirs.id).length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.in_team)).toBe(true);
  });

  it('keeps each person’s inbox their own, newest first, and marks read', async () => {
    const first = await member.get('/api/v1/notifications?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(Date.parse(first.body.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(first.body.items[1].createdAt));
    const unread = first.body.unreadCount;
    expect(unread).toBeGreaterThan(0);
    const second = await member.get(`/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((n: any) => n.id)).not.toContain(first.body.items[0].id);
    // Someone else cannot mark them read.
    expect((await resident.post('/api/v1/notifications/read', { ids: [first.body.items[0].id] })).body.updated).toBe(0);
    expect((await member.post(`/api/v1/notifications/${first.body.items[0].id}/read`)).body.updated).toBe(1);
    expect((await member.get('/api/v1/notifications')).body.unreadCount).toBe(unread - 1);
    await member.post('/api/v1/notifications/read');
    expect((await member.get('/api/v1/notifications?unread=true')).body).toMatchObject({ items: [], unreadCount: 0 });
  });
});

/** The figures, on hand-made tickets whose right answers are worked out by hand below. */
describe('metrics', () => {
  let t: TestApp;
  let org: SmallOrg;
  let t0: Date;
  let from: string;
  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    const filer = await t.as(org.people.otherCompoundResident); // 和睦家园: no special tags, nobody responsible
    const leader = await t.as(org.people.otherCompoundLeader);
    const member = await t.as(org.people.otherCompoundMember);
    t0 = t.clock.now();
    from = new Date(t0.getTime() - 1000).toISOString();
    const file = async (description: string) => (await filer.file({ category: 'supplies', urgency: 'normal', description })).body.id as string;
    const at = (minutes: number) => {
      const target = t0.getTime() + minutes * MIN;
      t.clock.advance(target - t.clock.now().getTime());
    };
    const [T1, T2, T3, T4] = [await file('T1'), await file('T2'), await file('T3'), await file('T4')];
    await file('T5');
    at(5);
    await filer.post(`/api/v1/tickets/${T4}/cancel`, { reason: '不要了' });
    at(10);
    await member.post(`/api/v1/tickets/${T1}/claim`);
    at(30);
    await leader.post(`/api/v1/tickets/${T3}/claim`);
    at(60);
    await member.post(`/api/v1/tickets/${T1}/resolve`, { text: 'ok' });
    at(70);
    await filer.post(`/api/v1/tickets/${T1}/confirm`, { satisfied: true, rating: 5 });
    at(120);
    await leader.post(`/api/v1/tickets/${T3}/resolve`, { text: 'ok' });
    at(180);
    await member.post(`/api/v1/tickets/${T2}/claim`);
    at(300);
    await member.post(`/api/v1/tickets/${T2}/resolve`, { text: 'ok' });
    at(310);
    await filer.post(`/api/v1/tickets/${T2}/confirm`, { satisfied: false, rating: 2 });
    at(399);
    await file('T6');
    at(400);
  });
  afterAll(async () => t?.close());

  it('computes the summary exactly as defined', async () => {
    const secretary = await t.as(org.people.otherCommunitySecretary); // 和睦社区
    const reply = await secretary.get(`/api/v1/metrics/summary?from=${from}`);
    expect(reply.status).toBe(200);
    const figures = {
      total: 6, // T1..T6, the cancelled one included
      claimed: 3, // T1, T2, T3
      claimedOnTime: 2, // T1 (10 min), T3 (30 min); T2 took 180 min against a 120-min limit
      responseRate: 0.5, // 2 ÷ 4 decided: T1, T2, T3 claimed, T5 past due; T6 not yet due
      resolved: 2, // T1 closed, T3 resolved; T2 was reopened
      resolutionRate: 0.4, // 2 ÷ 5 not cancelled
      rated: 2, // T1 satisfied, T2 not
      satisfied: 1,
      satisfactionRate: 0.5,
      medianClaimSeconds: 1800, // 600, 1800, 10800
      p90ClaimSeconds: 9000, // 1800 + 0.8 × (10800 − 1800)
      medianResolveSeconds: 5400, // 3600, 7200
      p90ResolveSeconds: 6840, // 3600 + 0.9 × 3600
      overdueOpen: 1, // T5
    };
    expect(reply.body).toMatchObject({ ...figures, from });
    expect(reply.body.byTeam).toEqual([{ teamId: org.teams.otherCompound.id, teamName: org.teams.otherCompound.name, ...figures }]);
    // The leader sees the same for the team.
    const leader = await t.as(org.people.otherCompoundLeader);
    expect((await leader.get(`/api/v1/metrics/summary?from=${from}`)).body).toMatchObject(figures);
  });

  it('when the window is given as plain dates, then each is that day from midnight in Beijing time (issue 16.7)', async () => {
    const secretary = await t.as(org.people.otherCommunitySecretary);
    const reply = await secretary.get('/api/v1/metrics/summary?from=2026-12-01&to=2026-12-02');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ from: '2026-11-30T16:00:00.000Z', to: '2026-12-01T16:00:00.000Z' });
    expect((await secretary.get('/api/v1/metrics/summary?from=2026-13-01')).status).toBe(400);
  });

  it('when nothing falls in the window, then counts are zero and rates null', async () => {
    const secretary = await t.as(org.people.otherCommunitySecretary);
    const { body } = await secretary.get('/api/v1/metrics/summary?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z');
    expect(body).toMatchObject({ total: 0, responseRate: null, resolutionRate: null, satisfactionRate: null, medianClaimSeconds: null, byTeam: [] });
  });

  it('gives the daily series and each member’s load', async () => {
    const secretary = await t.as(org.people.otherCommunitySecretary);
    const daily = (await secretary.get(`/api/v1/metrics/daily?from=${from}`)).body;
    expect(daily.items.reduce((n: number, d: any) => n + d.created, 0)).toBe(6);
    expect(daily.items.at(-1).date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const members = (await secretary.get(`/api/v1/metrics/members?from=${from}`)).body.items;
    // Nobody answers for 赵静's building, so routing gave him, the team's one member, every ticket
    // by load: T5, never claimed and past its response time, is his overdue one.
    expect(members.find((m: any) => m.name === org.people.otherCompoundMember.name)).toMatchObject({ open: 1, claimed: 2, resolved: 1, overdue: 1 });
    expect(members.find((m: any) => m.name === org.people.otherCompoundLeader.name)).toMatchObject({ open: 0, claimed: 1, resolved: 1 });
  });

  it('refuses bad windows and scopes', async () => {
    const secretary = await t.as(org.people.otherCommunitySecretary);
    const expectCode = async (url: string, status: number, code?: string) => {
      const reply = await secretary.get(url);
      expect(reply.status).toBe(status);
      if (code) expect(reply.body.error.code).toBe(code);
    };
    await expectCode('/api/v1/metrics/summary?from=2026-11-28T00:00:00Z&to=2026-11-01T00:00:00Z', 400, 'INVALID_WINDOW');
    await expectCode('/api/v1/metrics/summary?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'INVALID_WINDOW');
    await expectCode('/api/v1/metrics/summary?from=0001-01-01T00:00:00Z', 400, 'INVALID_WINDOW');
    await expectCode('/api/v1/metrics/summary?from=yesterday', 400, 'VALIDATION_ERROR');
    await expectCode(`/api/v1/metrics/summary?areaId=${org.areas.community.id}`, 404, 'NOT_FOUND');
    await expectCode(`/api/v1/metrics/summary?teamId=${org.teams.compound.id}`, 404, 'NOT_FOUND');
    const resident = await t.as(org.people.resident);
    expect((await resident.get('/api/v1/metrics/summary')).status).toBe(403);
    const member = await t.as(org.people.otherCompoundMember);
    expect((await member.get('/api/v1/metrics/summary')).status).toBe(403);
    const leader = await t.as(org.people.otherCompoundLeader);
    expect((await leader.get(`/api/v1/metrics/summary?teamId=${org.teams.compound.id}`)).status).toBe(404);
  });
});
