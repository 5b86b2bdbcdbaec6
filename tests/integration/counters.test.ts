import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * The member home's counters (issue 20) are kept as rows by the statements that change tickets
 * and read as sums: they must equal a count of the tickets themselves after any mix of concurrent
 * writes (claims racing for the same ticket, filings, starts, resolves, hand-offs, the sweep) and
 * folds of the rows running meanwhile, and as the clock alone makes tickets overdue.
 */
describe('member counters kept by the ticket statements', () => {
  let t: TestApp;
  let teams: SmallOrg['teams'], people: SmallOrg['people'];
  let resident: Client, member: Client, member2: Client, leader: Client;

  const count = async (where: ReturnType<typeof sql>) =>
    ((await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE ${where}`)) as [{ n: number }])[0].n;
  const openSql = sql`status IN ('assigned', 'claimed', 'in_progress')`;
  /** The counters as a count of the tickets, for a member of whichever teams they belong to. */
  const expected = async (who: Client) => {
    const teamsOf = sql`(SELECT team_id FROM team_members WHERE user_id = ${who.userId})`;
    return {
      unclaimed: await count(sql`team_id IN ${teamsOf} AND status = 'assigned'`),
      mine: await count(sql`assignee_id = ${who.userId} AND ${openSql}`),
      overdue: await count(sql`team_id IN ${teamsOf} AND ${openSql} AND due_at < ${t.clock.now().toISOString()}::timestamptz`),
      incoming: await count(sql`handoff_to_team_id IN ${teamsOf}`),
    };
  };
  const counters = async (who: Client) => {
    const reply = await who.get('/api/v1/tickets/counts');
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const waiting = async () =>
    (await t.handle.rows<{ id: string }>(sql`SELECT id FROM tickets WHERE team_id = ${teams.compound.id} AND status = 'assigned' ORDER BY id`)).map((r) => r.id);
  const compact = () => t.app.services.tickets.compactCounters();

  beforeAll(async () => {
    t = await startTestApp();
    ({ teams, people } = await smallOrg(t.make));
    resident = await t.as(people.resident);
    member = await t.as(people.member);
    member2 = await t.as(people.member2);
    leader = await t.as(people.leader);
    for (let i = 0; i < 24; i++) {
      const reply = await resident.file({ category: 'supplies', urgency: i % 6 === 0 ? 'emergency' : 'normal', description: `封控第 ${i} 件` });
      expect(reply.status).toBe(201);
      // Filed over a few hours: some fall due each hour from now on.
      t.clock.advance(17 * 60_000);
    }
    // Tokens renewed one client at a time (the concurrent requests below would race to renew them).
    for (const who of [resident, member, member2, leader]) expect((await who.get('/api/v1/me')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('when members race to claim the same tickets while others are filed, started, resolved and the rows folded, then every counter equals the tickets', async () => {
    const before = await counters(member);
    expect(before).toEqual(await expected(member));
    expect(before.unclaimed).toBeGreaterThanOrEqual(24);
    const targets = (await waiting()).slice(0, 12);
    const outcomes = await Promise.all([
      // Two members claiming each of twelve tickets at once: one wins each.
      ...targets.flatMap((id) => [member.post(`/api/v1/tickets/${id}/claim`), member2.post(`/api/v1/tickets/${id}/claim`)]),
      ...Array.from({ length: 6 }, (_, i) => resident.file({ category: 'medicine', urgency: 'normal', description: `并发第 ${i} 件` })),
      compact().then(() => ({ status: 200 })),
      compact().then(() => ({ status: 200 })),
    ]);
    const claims = outcomes.slice(0, 24).map((r) => r.status);
    expect(claims.filter((s) => s === 200)).toHaveLength(12);
    expect(claims.filter((s) => s === 409)).toHaveLength(12);
    expect(outcomes.slice(24, 30).every((r) => r.status === 201)).toBe(true);
    expect(await counters(member)).toEqual(await expected(member));
    expect(await counters(member2)).toEqual(await expected(member2));

    // The winners work theirs at once: starts and resolves racing each other and a fold.
    const mine = (await t.handle.rows<{ id: string }>(sql`SELECT id FROM tickets WHERE assignee_id = ${member.userId} AND status = 'claimed'`)).map((r) => r.id);
    expect(mine.length).toBeGreaterThan(0);
    await Promise.all(mine.map((id) => member.post(`/api/v1/tickets/${id}/start`)));
    await Promise.all([...mine.map((id) => member.post(`/api/v1/tickets/${id}/resolve`, { text: '已送达' })), compact()]);
    const after = await counters(member);
    expect(after).toEqual(await expected(member));
    expect(after.unclaimed).toBeLessThan(before.unclaimed);
  });

  it('when a ticket is handed to another team and taken there, then both teams’ counters follow it', async () => {
    const [id] = await waiting();
    const medic = await t.as(people.medic);
    expect((await leader.post(`/api/v1/tickets/${id}/transfer`, { teamId: teams.medical.id, reason: '需要医疗队' })).status).toBe(200);
    expect(await counters(member)).toEqual(await expected(member));
    expect((await medic.post(`/api/v1/tickets/${id}/handoff/accept`)).status).toBe(200);
    expect(await counters(member)).toEqual(await expected(member));
    expect(await counters(medic)).toEqual(await expected(medic));
  });

  it('when hours pass with nothing written, and the sweep escalates what fell due, then 超时 counts exactly what is overdue now, at every minute', async () => {
    const seen: number[] = [];
    for (let step = 0; step < 16; step++) {
      t.clock.advance(23 * 60_000);
      if (step % 4 === 0) await t.app.services.sweep.run(t.clock.now());
      const now = await counters(member);
      expect(now).toEqual(await expected(member));
      seen.push(now.overdue);
    }
    // The clock made tickets overdue (the test would pass vacuously otherwise).
    expect(seen.at(-1)!).toBeGreaterThan(seen[0]!);
    // Folding changes no sum; a second fold finds nothing left to fold.
    const folded = await compact();
    expect(folded.counterRows).toBeGreaterThan(0);
    expect(await counters(member)).toEqual(await expected(member));
    expect((await compact()).counterRows).toBe(0);
    const [{ keys }] = (await t.handle.rows<{ keys: number }>(sql`SELECT count(*)::int AS keys FROM ticket_counters`)) as [{ keys: number }];
    const [{ distinct }] = (await t.handle.rows<{ distinct: number }>(sql`SELECT count(DISTINCT (kind, group_id, bucket))::int AS distinct FROM ticket_counters`)) as [{ distinct: number }];
    expect(keys).toBe(distinct);
  });

  it('when tickets are copied in and deleted by SQL (the bench fills and resets so), then the counters follow both', async () => {
    const [template] = await waiting();
    const copy = (n: number) => sql`
      INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
          team_id, assignee_id, filed_by_id, route_reason, flagged, control_level, created_at,
          response_due_at, resolve_due_at, claim_limit_seconds, resolve_limit_seconds, due_at, updated_at)
      SELECT gen_random_uuid(), x.number || '-copy-' || g, x.category, x.urgency, x.requested_urgency,
             CASE WHEN g % 3 = 0 THEN 'claimed' ELSE 'assigned' END, x.description, x.area_id, x.compound_id, x.address,
             x.team_id, CASE WHEN g % 3 = 0 THEN ${member.userId}::uuid END, x.filed_by_id, x.route_reason, x.flagged, x.control_level, x.created_at,
             x.response_due_at, x.resolve_due_at, x.claim_limit_seconds, x.resolve_limit_seconds, x.due_at - g * interval '7 minutes', x.updated_at
      FROM tickets x, generate_series(1, ${n}) g WHERE x.id = ${template}`;
    const before = await counters(member);
    await t.handle.rows(copy(90));
    const filled = await counters(member);
    expect(filled).toEqual(await expected(member));
    expect(filled.unclaimed).toBe(before.unclaimed + 60);
    expect(filled.mine).toBe(before.mine + 30);
    await t.handle.rows(sql`DELETE FROM tickets WHERE number LIKE '%-copy-%'`);
    expect(await counters(member)).toEqual(before);
    expect(before).toEqual(await expected(member));
  });
});
