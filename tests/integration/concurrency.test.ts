import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@minhu/db';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/** Races with one right outcome: one claimer wins; a resubmitted form makes one ticket. */
describe('races', () => {
  let t: TestApp;
  let org: SmallOrg;
  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('when 50 members claim one ticket at once, then exactly one wins and 49 get 409', async () => {
    const teamId = org.teams.compound.id;
    const phones = Array.from({ length: 50 }, (_, i) => `1370000${String(i).padStart(4, '0')}`);
    for (const phone of phones) {
      const id = newId();
      await t.handle.db.execute(sql`INSERT INTO users (id, name, phone) VALUES (${id}, ${'志愿者' + phone.slice(-2)}, ${phone})`);
      await t.handle.db.execute(sql`INSERT INTO team_members (team_id, user_id, role) VALUES (${teamId}, ${id}, 'member')`);
    }
    const members: Client[] = [];
    for (const phone of phones) members.push(await t.as(phone));
    const resident = await t.as(org.people.resident);
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'urgent', description: '急需米面' });

    const replies = await Promise.all(members.map((m) => m.post(`/api/v1/tickets/${ticket.id}/claim`)));
    const winners = replies.filter((r) => r.status === 200);
    const losers = replies.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) expect(loser.body.error.code).toBe('ALREADY_CLAIMED');

    const winnerId = winners[0]!.body.assigneeId;
    const { body } = await resident.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket).toMatchObject({ status: 'claimed', assigneeId: winnerId, version: 2 });
    expect(body.events.filter((e: { type: string }) => e.type === 'claimed')).toHaveLength(1);
    // Every loser was told who has it.
    const winnerName = body.ticket.assignee.name;
    for (const loser of losers) expect(loser.body.error.message).toBe(`已被${winnerName}签收`);
  });

  it('when one form is submitted 10 times at once with one key, then one ticket exists and all get it', async () => {
    const resident = await t.as(org.people.resident);
    const body = { category: 'medicine', urgency: 'normal', description: '网络不好，重复提交的求助' };
    const replies = await Promise.all(Array.from({ length: 10 }, () => resident.file(body, 'same-form-key')));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(9);
    const [row] = await t.handle.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tickets WHERE description = ${body.description}`,
    );
    expect(row!.n).toBe(1);
  });

  it('when the same key comes back later, then the same ticket; with another body, 422 and nothing new', async () => {
    const resident = await t.as(org.people.resident);
    const body = { category: 'help', urgency: 'normal', description: '帮忙修水管' };
    const first = await resident.file(body, 'later-key');
    t.clock.advance(10 * 60_000);
    // The same content with its keys in another order is the same request.
    const again = await resident.file({ description: body.description, urgency: 'normal', category: 'help' }, 'later-key');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const changed = await resident.file({ ...body, description: '帮忙修电灯' }, 'later-key');
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const [row] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE description LIKE '帮忙修%'`);
    expect(row!.n).toBe(1);
  });

  it('when two people use the same key, then each gets their own ticket', async () => {
    const a = await t.as(org.people.resident);
    const b = await t.as(org.people.otherResident);
    const body = { category: 'help', urgency: 'normal', description: '同一个键，不同的人' };
    const [ra, rb] = await Promise.all([a.file(body, 'shared-key'), b.file(body, 'shared-key')]);
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(ra.body.id).not.toBe(rb.body.id);
  });

  it('when a ticket is being worked, then concurrent actions apply one after another, each bumping the version', async () => {
    const resident = await t.as(org.people.resident);
    const member = await t.as(org.people.member);
    const { body: ticket } = await resident.file({ category: 'help', urgency: 'normal', description: '多条备注' });
    await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    const notes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => member.post(`/api/v1/tickets/${ticket.id}/note`, { text: `第${i + 1}条` })),
    );
    expect(notes.every((r) => r.status === 200)).toBe(true);
    const { body } = await member.get(`/api/v1/tickets/${ticket.id}`);
    expect(body.ticket.version).toBe(12);
    expect(body.events.filter((e: { type: string }) => e.type === 'note')).toHaveLength(10);
  });
});
