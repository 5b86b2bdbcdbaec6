import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, withFastRows } from '@minhu/db';
import { PHONES, startTestApp, type TestApp } from '../support/test-app.js';

const { tickets, teams, users, areas } = schema;

/** The lists' and detail's rows are mapped by withFastRows: it must give what drizzle gives. */
describe('withFastRows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // Tickets with and without a team member assigned, so left joins find rows and miss them.
    const resident = await t.as(PHONES.resident);
    await resident.file({ category: 'medicine', urgency: 'normal', description: '降压药' });
    const other = await t.as(PHONES.otherResident);
    await other.file({ category: 'help', urgency: 'urgent', description: '帮忙搬东西' });
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
});
