import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * Health-data privacy (issue 16.8, PIPL's minimum necessary): whoever opens someone else's need
 * is on record, readable and exportable by admins; secretaries above the community see a list of
 * categories and statuses, and the need itself only when they open it.
 */
describe('who read which ticket', () => {
  let t: TestApp;
  let org: SmallOrg;
  let resident: Client;
  let ticket: { id: string; number: string };

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    resident = await t.as(org.people.resident);
    ticket = (
      await resident.file({
        category: 'medicine',
        urgency: 'normal',
        description: '需要胰岛素，透析后身体虚弱',
        items: [{ name: '胰岛素', quantity: 2, unit: '支' }],
      })
    ).body;
  });
  afterAll(async () => t?.close());

  const reads = async () => {
    const admin = await t.as(org.people.admin);
    const items = (await admin.get('/api/v1/audit?entity=ticket&limit=200')).body.items as { action: string; actorId: string; entityId: string; after: { number: string; as: string[] } }[];
    return items.filter((e) => e.action === 'read' && e.entityId === ticket.id);
  };

  it('when the filer opens her own ticket, then nothing is recorded; when a member and a secretary open it, then each read is', async () => {
    expect((await resident.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    expect(await reads()).toHaveLength(0);
    const member = await t.as(org.people.member);
    expect((await member.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    const secretary = await t.as(org.people.secretary);
    expect((await secretary.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    const recorded = await reads();
    expect(recorded.map((r) => r.actorId).sort()).toEqual([org.people.member.id, org.people.secretary.id].sort());
    expect(recorded.find((r) => r.actorId === org.people.secretary.id)!.after).toEqual({ number: ticket.number, as: ['area_secretary'] });
    // Someone who may not see it gets 404 and leaves no record (nothing was read).
    expect((await (await t.as(org.people.otherCompoundMember)).get(`/api/v1/tickets/${ticket.id}`)).status).toBe(404);
    expect(await reads()).toHaveLength(2);
  });

  it('when an admin exports the record, then the CSV names who read which ticket and when; anyone else 403', async () => {
    const admin = await t.as(org.people.admin);
    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/exports/audit.csv?entity=ticket', headers: { authorization: `Bearer ${await admin.bearer()}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('序号,时间,操作人,操作人编号,对象,对象编号,操作,改前,改后');
    const rows = lines.slice(1).filter((l) => l.includes(ticket.id));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.some((l) => l.includes('吴小燕') && l.includes(',read,'))).toBe(true);
    // Only reads in this export (entity=ticket), none of the organisation's changes.
    expect(lines.slice(1).every((l) => l.includes(',ticket,'))).toBe(true);
    const leader = await t.as(org.people.leader);
    expect((await leader.get('/api/v1/exports/audit.csv')).status).toBe(403);
  });
});

describe('lists shown to secretaries above the community', () => {
  let t: TestApp;
  let org: SmallOrg;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    const resident = await t.as(org.people.resident);
    ticketId = (
      await resident.file({ category: 'medicine', urgency: 'normal', description: '化疗后需要止吐药', items: [{ name: '昂丹司琼', quantity: 1, unit: '盒' }] })
    ).body.id;
  });
  afterAll(async () => t?.close());

  const listed = async (c: Client) => ((await c.get('/api/v1/tickets?scope=area&limit=100')).body.items as Record<string, any>[]).find((i) => i.id === ticketId)!;

  it('when the subdistrict’s secretary lists the area, then category and status without the need; opening it shows the need', async () => {
    const subdistrict = await t.as(org.people.subdistrictSecretary);
    const item = await listed(subdistrict);
    expect(item).toMatchObject({ category: 'medicine', status: 'assigned', description: '', items: [], detailsHidden: true });
    const opened = (await subdistrict.get(`/api/v1/tickets/${ticketId}`)).body.ticket;
    expect(opened.description).toBe('化疗后需要止吐药');
    expect(opened.items).toHaveLength(1);
    expect(opened.detailsHidden).toBeUndefined();
  });

  it('when the community’s secretary, the team or an admin lists it, then the need is in the list', async () => {
    for (const who of [org.people.secretary, org.people.admin]) {
      expect((await listed(await t.as(who))).description).toBe('化疗后需要止吐药');
    }
    const member = await t.as(org.people.member);
    const inQueue = ((await member.get('/api/v1/tickets?scope=team&limit=100')).body.items as Record<string, any>[]).find((i) => i.id === ticketId)!;
    expect(inQueue.description).toBe('化疗后需要止吐药');
  });
});
