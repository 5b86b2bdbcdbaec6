import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONES, startTestApp, type Client, type TestApp } from '../support/test-app.js';

/** Who sees what: residents their own, members their teams', secretaries their subtree, admins all. */
describe('scopes', () => {
  let t: TestApp;
  let resident: Client, otherResident: Client, member: Client, otherMember: Client, secretary: Client, admin: Client;
  let xflTicket: any, hszTicket: any, hpyTicket: any;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    resident = await t.as(PHONES.resident);
    otherResident = await t.as(PHONES.otherResident);
    member = await t.as(PHONES.member);
    otherMember = await t.as(PHONES.otherMember);
    secretary = await t.as(PHONES.secretary);
    admin = await t.as(PHONES.admin);
    xflTicket = (await resident.file({ category: 'help', urgency: 'normal', description: '幸福里的求助', contactPhone: '13911112222' })).body;
    hszTicket = (await otherResident.file({ category: 'supplies', urgency: 'normal', description: '槐树庄的求助' })).body;
    const hpyResident = await t.as('13900000104');
    hpyTicket = (await hpyResident.file({ category: 'help', urgency: 'normal', description: '和平苑的求助' })).body;
  });
  afterAll(async () => t?.close());

  const ids = (reply: { body: { items: { id: string }[] } }) => reply.body.items.map((i) => i.id);

  it('when residents look at each other’s tickets, then 404 for detail and every action, and absent from lists', async () => {
    expect((await otherResident.get(`/api/v1/tickets/${xflTicket.id}`)).status).toBe(404);
    for (const action of ['claim', 'start', 'note', 'resolve', 'cancel', 'confirm', 'transfer', 'assign']) {
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
    const hsz = await t.ids.team('槐树庄民呼我行党员服务队');
    const xfl = await t.ids.team('幸福里小区民呼我行党员服务队');
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
    expect(own.body.ticket.filedBy.phone).toBe('139****0001');
    expect((await secretary.get(`/api/v1/tickets/${hszTicket.id}`)).status).toBe(200);
    expect((await secretary.get(`/api/v1/tickets/${hpyTicket.id}`)).status).toBe(404);
    const area = ids(await secretary.get('/api/v1/tickets?scope=area&limit=100'));
    expect(area).toEqual(expect.arrayContaining([xflTicket.id, hszTicket.id]));
    expect(area).not.toContain(hpyTicket.id);
    const hp = await t.ids.area('XH-JSL-HP');
    expect((await secretary.get(`/api/v1/tickets?scope=area&areaId=${hp}`)).status).toBe(404);
    const xfl = await t.ids.area('XH-JSL-XF-XFL');
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
    const neighbourArea = await t.ids.area('XH-JSL-XF-XFL-B1-U1');
    const filed = await resident.file({
      category: 'medicine',
      urgency: 'normal',
      description: '替楼下王奶奶买药',
      beneficiary: { name: '王秀兰', phone: '13900000101', areaId: neighbourArea },
    });
    expect(filed.status).toBe(201);
    // 王秀兰 is a special person with her own responsible member, and her needs come first.
    expect(filed.body).toMatchObject({
      urgency: 'urgent',
      requestedUrgency: 'normal',
      address: '幸福里小区 1号楼 1单元',
      assignee: { name: '赵文博' },
      beneficiary: { name: '王秀兰', userId: await t.ids.user('13900000101') },
    });
    const neighbour = await t.as('13900000101');
    expect(ids(await neighbour.get('/api/v1/tickets?scope=mine'))).toContain(filed.body.id);
    const m2 = await t.as(PHONES.member2);
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
    const m2 = await t.as(PHONES.member2);
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
