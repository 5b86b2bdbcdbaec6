import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketsRepository, schema, sinceOf, withFastRows } from '@minhu/db';
import { smallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const { tickets, teams, users, areas } = schema;

/**
 * The lists' and detail's rows are mapped by withFastRows: it must give what drizzle gives. And
 * the bench replays a list's statement with pgbench: listStatement must be what list runs.
 */
describe('ticket reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const { people } = await smallOrg(t.make);
    // Tickets with and without a team member assigned (one left to the leader, as when every
    // member is at the cap), so left joins find rows and miss them; two in one team, so a list has
    // an order to keep.
    const resident = await t.as(people.resident);
    await resident.file({ category: 'medicine', urgency: 'normal', description: '降压药' });
    await resident.file({ category: 'supplies', urgency: 'urgent', description: '米和油' });
    const other = await t.as(people.otherResident);
    await other.file({ category: 'help', urgency: 'urgent', description: '帮忙搬东西' });
    await t.handle.db.update(tickets).set({ assigneeId: null }).where(eq(tickets.description, '帮忙搬东西'));
  });
  afterAll(async () => t?.close());

  it('maps rows exactly as drizzle does: decoded values, nested objects, null for a missing joined row', async () => {
    const assignee = alias(users, 'assignee');
    const query = (name: string) =>
      t.handle.db
        .select({
          ticket: tickets,
          areaPath: areas.path,
          team: { name: teams.name, phone: teams.phone },
          assignee: { name: assignee.name, phone: assignee.phone },
          count: sql<number>`(SELECT count(*) FROM ${tickets})::int`,
        })
        .from(tickets)
        .innerJoin(areas, eq(areas.id, tickets.areaId))
        .leftJoin(teams, eq(teams.id, tickets.teamId))
        .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
        .orderBy(tickets.id)
        .prepare(name);
    const expected = await query('rows_by_drizzle').execute();
    const actual = await withFastRows(query('rows_fast')).execute();
    expect(actual).toEqual(expected);
    expect(expected.some((r) => r.assignee === null)).toBe(true);
    expect(expected.some((r) => r.assignee !== null)).toBe(true);
    expect(expected[0]!.ticket.createdAt).toBeInstanceOf(Date);
  });

  it('listStatement gives the text list runs, with a name for each parameter: the same tickets in the same order', async () => {
    const repo = createTicketsRepository(t.handle);
    const [row] = await t.handle.rows<{ team_id: string }>(sql`SELECT team_id FROM tickets WHERE team_id IS NOT NULL GROUP BY team_id ORDER BY count(*) DESC LIMIT 1`);
    const teamId = row!.team_id;
    const filter = { scope: { kind: 'teams' as const, teamIds: [teamId] }, open: true, now: new Date(), limit: 21 };
    const listed = await repo.list(filter);
    const { text, parameters } = repo.listStatement(filter);
    // The team ids travel as one comma-separated parameter (groups), the page size once per range
    // read, and since (a minute before the first page: where claimed tickets are placed).
    expect(new Set(parameters)).toEqual(new Set(['groups', 'limit', 'since']));
    const values: Record<string, string | number> = { groups: teamId, limit: 21, since: sinceOf(filter) };
    const replayed = await t.handle.rows<{ id: string }>(sql.raw(text.replace(/\$(\d+)/g, (_, i: string) => `'${values[parameters[Number(i) - 1]!]}'`)));
    expect(listed.length).toBeGreaterThan(1);
    expect(replayed.map((r) => r.id)).toEqual(listed.map((r) => r.ticket.id));
  });
});
