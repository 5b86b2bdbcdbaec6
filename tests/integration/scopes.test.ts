import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/** Who sees what: residents their own, members their teams', secretaries their subtree, admins all. */
describe('scopes', () => {
  let t: TestApp;
  let areas: SmallOrg['areas'], teams: SmallOrg['teams'], people: SmallOrg['people'];
  let resident: Client, otherResident: Client, member: Client, otherMember: Client, secretary: Client, admin: Client;
  let xflTicket: any, hszTicket: any, hpyTicket: any;

  beforeAll(async () => {
    t = await startTestApp();
    ({ areas, teams, people } = await smallOrg(t.make));
    resident = await t.as(people.resident);
    otherResident = await t.as(people.otherResident);
    member = await t.as(people.member);
    otherMember = await t.as(people.otherMember);
    secretary = await t.as(people.secretary);
    admin = await t.as(people.admin);
    xflTicket = (await resident.file({ category: 'help', urgency: 'normal', description: '春晖小区的求助', contactPhone: '13911112222' })).body;
    hszTicket = (await otherResident.file({ category: 'supplies', urgency: 'normal', description: '柳树屯的求助' })).body;
    const hpyResident = await t.as(people.otherCompoundResident);
    hpyTicket = (await hpyResident.file({ category: 'help', urgency: 'normal', description: '和睦家园的求助' })).body;
  });
  afterAll(async () => t?.close());

  const ids = (reply: { body: { items: { id: string }[] } }) => reply.body.items.map((i) => i.id);

  it('when residents look at each other’s tickets, then 404 for detail and every action, and absent from lists', async () => {
    expect((await otherResident.get(`/api/v1/tickets/${xflTicket.id}`)).status).toBe(404);
    for (const action of ['claim', 'start', 'note', 'resolve', 'cancel', 'confirm', 'transfer', 'assign', 'handoff/accept', 'handoff/decline', 'return', 'return/approve', 'return/reject', 'extension', 'extension/approve', 'extension/reject']) {
      const reply = await otherResident.post(`/api/v1/tickets/${xflTicket.id}/${action}`, {});
      // Either the body is wrong (400, checked before anything is looked up) or the ticket is hidden (404).
      expect([400, 404]).toContain(reply.status);
      expect(reply.status).not.toBe(403);
    }
    expect((await otherResident.post(`/api/v1/tickets/${xflTicket.id}/cancel`, { reason: '恶意取消' })).status).toBe(404);
    for (const scope of ['mine', 'filed', 'assigned']) {
      expect(ids(await otherResident.get(`/api/v1/tickets?scope=${scope}`))).not.toContain(xflTicket.id);
    }
  });

  it('when a resident asks for team or area lists, then 403', async () => {
    expect((await resident.get('/api/v1/tickets?scope=team')).status).toBe(403);
    expect((await resident.get('/api/v1/tickets?scope=area')).status).toBe(403);
  });

  it('when a member of another team looks, then 404; their own team’s tickets are visible', async () => {
    expect((await otherMember.get(`/api/v1/tickets/${xflTicket.id}`)).status).toBe(404);
    expect((await otherMember.post(`/api/v1/tickets/${xflTicket.id}/claim`)).status).toBe(404);
    expect((await otherMember.get(`/api/v1/tickets/${hszTicket.id}`)).status).toBe(200);
    const team = ids(await otherMember.get('/api/v1/tickets?scope=team&limit=100'));
    expect(team).toContain(hszTicket.id);
    expect(team).not.toContain(xflTicket.id);
    const hsz = teams.village.id;
    const xfl = teams.compound.id;
    expect((await otherMember.get(`/api/v1/tickets?scope=team&teamId=${hsz}`)).status).toBe(200);
    expect((await otherMember.get(`/api/v1/tickets?scope=team&teamId=${xfl}`)).status).toBe(404);
  });

  it('when a member sees the team queue, then only open tickets with open=true, overdue first', async () => {
    const queue = await member.get('/api/v1/tickets?scope=team&open=true&limit=100');
    const items = queue.body.items as { status: string; overdue: boolean; dueAt: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => ['assigned', 'claimed', 'in_progress'].includes(i.status))).toBe(true);
    const dues = items.map((i) => Date.parse(i.dueAt));
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
    const firstNotOverdue = items.findIndex((i) => !i.overdue);
    expect(items.slice(firstNotOverdue).some((i) => i.overdue)).toBe(false);
  });

  it('when a secretary looks, then their community’s compounds are visible, phones masked, other communities 404', async () => {
    const own = await secretary.get(`/api/v1/tickets/${xflTicket.id}`);
    expect(own.status).toBe(200);
    expect(own.body.ticket.contactPhone).toBe('139****2222');
    expect(own.body.ticket.filedBy.phone).toBe('136****0001'); // the resident's 13600000001
    expect((await secretary.get(`/api/v1/tickets/${hszTicket.id}`)).status).toBe(200);
    expect((await secretary.get(`/api/v1/tickets/${hpyTicket.id}`)).status).toBe(404);
    const area = ids(await secretary.get('/api/v1/tickets?scope=area&limit=100'));
    expect(area).toEqual(expect.arrayContaining([xflTicket.id, hszTicket.id]));
    expect(area).not.toContain(hpyTicket.id);
    const hp = areas.otherCommunity.id;
    expect((await secretary.get(`/api/v1/tickets?scope=area&areaId=${hp}`)).status).toBe(404);
    const xfl = areas.compound.id;
    const narrowed = ids(await secretary.get(`/api/v1/tickets?scope=area&areaId=${xfl}&limit=100`));
    expect(narrowed).toContain(xflTicket.id);
    expect(narrowed).not.toContain(hszTicket.id);
    // A secretary supervises but does not do the team's work.
    expect((await secretary.post(`/api/v1/tickets/${xflTicket.id}/claim`)).status).toBe(403);
  });

  it('when the team sees the ticket, then phone numbers are in full (they call the resident)', async () => {
    const { body } = await member.get(`/api/v1/tickets/${xflTicket.id}`);
    expect(body.ticket.contactPhone).toBe('13911112222');
  });

  it('when an admin looks, then everything is visible', async () => {
    for (const ticket of [xflTicket, hszTicket, hpyTicket]) {
      expect((await admin.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    }
    expect(ids(await admin.get('/api/v1/tickets?scope=area&limit=100'))).toEqual(
      expect.arrayContaining([xflTicket.id, hszTicket.id, hpyTicket.id]),
    );
  });

  it('when someone files for a neighbour with a phone, then the neighbour sees it and can confirm it', async () => {
    const { neighbour: her } = people;
    const filed = await resident.file({
      category: 'medicine',
      urgency: 'normal',
      description: '替楼下钱奶奶买药',
      beneficiary: { name: her.name, phone: her.phone, areaId: her.homeAreaId },
    });
    expect(filed.status).toBe(201);
    // She is a special person with her own responsible member, and her needs come first; the
    // filer is told none of it (issue 16.2), the team all of it.
    expect(filed.body).toMatchObject({
      urgency: 'normal',
      requestedUrgency: 'normal',
      address: '春晖小区 1号楼 1单元',
      assigneeId: null,
      beneficiary: { name: her.name, userId: null },
    });
    const m2 = await t.as(people.member2);
    expect((await m2.get(`/api/v1/tickets/${filed.body.id}`)).body.ticket).toMatchObject({
      urgency: 'urgent',
      assignee: { name: people.member2.name },
      beneficiary: { name: her.name, userId: her.id },
    });
    const neighbour = await t.as(her);
    expect(ids(await neighbour.get('/api/v1/tickets?scope=mine'))).toContain(filed.body.id);
    await m2.post(`/api/v1/tickets/${filed.body.id}/claim`);
    await m2.post(`/api/v1/tickets/${filed.body.id}/resolve`, { text: '药已送到' });
    const confirmed = await neighbour.post(`/api/v1/tickets/${filed.body.id}/confirm`, { satisfied: true, rating: 5 });
    expect(confirmed.body.status).toBe('closed');
    // The beneficiary can confirm but not cancel: that is the filer's.
    expect(confirmed.body.actions).toEqual([]);
  });

  it('when routing suggests a member, then the ticket is in their own list, and not in another member’s', async () => {
    expect(xflTicket.assigneeId).toBe(member.userId);
    expect(ids(await member.get('/api/v1/tickets?scope=assigned&limit=100'))).toContain(xflTicket.id);
    const m2 = await t.as(people.member2);
    expect(ids(await m2.get('/api/v1/tickets?scope=assigned&limit=100'))).not.toContain(xflTicket.id);
  });

  it('pages through a list with the cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(`/api/v1/tickets?scope=area&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...ids(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = ids(await admin.get('/api/v1/tickets?scope=area&limit=100'));
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
