import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * Issue 16.2's leftovers. A ticket filed for the phone of someone who uses the app is theirs only
 * once they say so: before that it is not in their list and tells them nothing but that someone
 * asked for them. A resident never learns of another resident's ticket through 可能重复. A home a
 * resident set themself shows its 包保 member and leader only once a leader (secretary, admin) has
 * verified it.
 */
describe('a ticket filed for someone who uses the app', () => {
  let t: TestApp;
  let org: SmallOrg;
  let filer: Client;
  let neighbour: Client;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    filer = await t.as(org.people.resident);
    // Signing in is what makes the neighbour someone who uses the app.
    neighbour = await t.as(org.people.neighbour);
  });
  afterAll(async () => t?.close());

  const fileForNeighbour = (description = '帮钱奶奶买药') =>
    filer.file({
      category: 'medicine',
      urgency: 'normal',
      description,
      beneficiary: { name: '钱秀英', phone: org.people.neighbour.phone, areaId: org.areas.building1.units[0]!.id },
    });
  const inbox = async (c: Client) => (await c.get('/api/v1/notifications')).body.items as { type: string; ticketId: string; body: string }[];
  const mine = async (c: Client) => ((await c.get('/api/v1/tickets?scope=mine')).body.items as { id: string }[]).map((i) => i.id);

  it('when it is filed, then it is not in their list, they are asked (without the need itself), and the filer is told nothing of it', async () => {
    const filed = await fileForNeighbour();
    expect(filed.status).toBe(201);
    expect(filed.body.beneficiary).toMatchObject({ userId: null, personId: null });
    expect(await mine(neighbour)).not.toContain(filed.body.id);
    const asked = (await inbox(neighbour)).filter((n) => n.ticketId === filed.body.id);
    expect(asked.map((n) => n.type)).toEqual(['beneficiary_invite']);
    expect(asked[0]!.body).not.toContain('买药');
    // The filer's timeline does not say the person was asked (it would say the phone has an account).
    const created = (await filer.get(`/api/v1/tickets/${filed.body.id}`)).body.events.find((e: { type: string }) => e.type === 'created');
    expect(created.data).not.toHaveProperty('invited');
    // They may open it to answer, and do nothing else with it.
    const opened = await neighbour.get(`/api/v1/tickets/${filed.body.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.ticket.actions).toEqual(['acceptBeneficiary', 'declineBeneficiary']);
    // The team knows who it is for, and that they have not accepted yet.
    const member = await t.as(org.people.member2);
    const asTeam = (await member.get(`/api/v1/tickets/${filed.body.id}`)).body.ticket;
    expect(asTeam.beneficiary).toMatchObject({ personId: org.people.neighbour.id, accepted: false });
    // A claim before they accept is no news to them.
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/claim`)).status).toBe(200);
    expect((await inbox(neighbour)).filter((n) => n.ticketId === filed.body.id).map((n) => n.type)).toEqual(['beneficiary_invite']);
  });

  it('when they accept, then it is in their list, they hear of it and may confirm it', async () => {
    const filed = await fileForNeighbour('帮钱奶奶买降压药');
    const accepted = await neighbour.post(`/api/v1/tickets/${filed.body.id}/beneficiary/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.beneficiary.personId).toBe(org.people.neighbour.id);
    expect(await mine(neighbour)).toContain(filed.body.id);
    const member = await t.as(org.people.member2);
    await member.post(`/api/v1/tickets/${filed.body.id}/claim`);
    await member.post(`/api/v1/tickets/${filed.body.id}/start`);
    const resolved = await member.post(`/api/v1/tickets/${filed.body.id}/resolve`, { text: '药已送到' });
    expect(resolved.status).toBe(200);
    const heard = (await inbox(neighbour)).filter((n) => n.ticketId === filed.body.id).map((n) => n.type);
    expect(heard).toEqual(expect.arrayContaining(['claimed', 'resolved']));
    const detail = (await neighbour.get(`/api/v1/tickets/${filed.body.id}`)).body;
    expect(detail.ticket.actions).toContain('confirm');
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('beneficiary_accepted');
    expect((await member.get(`/api/v1/tickets/${filed.body.id}`)).body.ticket.beneficiary.accepted).toBe(true);
    // Accepting twice: it is theirs already, nothing waits for an answer.
    expect((await neighbour.post(`/api/v1/tickets/${filed.body.id}/beneficiary/accept`)).status).toBe(403);
  });

  it('when they decline, then they see it no more and the leader is told to check', async () => {
    const filed = await fileForNeighbour('帮钱奶奶买米');
    expect((await neighbour.post(`/api/v1/tickets/${filed.body.id}/beneficiary/decline`)).status).toBe(200);
    expect((await neighbour.get(`/api/v1/tickets/${filed.body.id}`)).status).toBe(404);
    expect(await mine(neighbour)).not.toContain(filed.body.id);
    const leader = await t.as(org.people.leader);
    expect((await inbox(leader)).filter((n) => n.ticketId === filed.body.id).map((n) => n.type)).toContain('beneficiary_declined');
    // The filer's ticket goes on as filed.
    expect((await filer.get(`/api/v1/tickets/${filed.body.id}`)).body.ticket.status).toBe('assigned');
  });

  it('when someone else tries to answer for them, then the ticket does not exist for them', async () => {
    const filed = await fileForNeighbour('帮钱奶奶取药');
    const stranger = await t.as('13787659999');
    expect((await stranger.post(`/api/v1/tickets/${filed.body.id}/beneficiary/accept`)).status).toBe(404);
    // And the filer cannot accept it for them.
    expect((await filer.post(`/api/v1/tickets/${filed.body.id}/beneficiary/accept`)).status).toBe(403);
  });

  it('when the phone belongs to someone who never used the app, then it is theirs at once (they find it when they sign in)', async () => {
    const filed = await filer.file({
      category: 'supplies',
      urgency: 'normal',
      description: '帮赵静买菜',
      beneficiary: { name: '赵静', phone: org.people.otherCompoundResident.phone, areaId: org.areas.otherCompound.id },
    });
    expect(filed.status).toBe(201);
    const zhao = await t.as(org.people.otherCompoundResident);
    expect(await mine(zhao)).toContain(filed.body.id);
  });
});

describe('可能重复 shown to a resident, and verifying a home the resident set', () => {
  let t: TestApp;
  let org: SmallOrg;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('when two residents file for the same person, then neither is told of the other’s ticket; the team is', async () => {
    const forNeighbour = { name: '钱秀英', phone: org.people.neighbour.phone, areaId: org.areas.building1.units[0]!.id };
    const first = await (await t.as(org.people.resident)).file({ category: 'medicine', urgency: 'normal', description: '帮钱奶奶买药', beneficiary: forNeighbour });
    const second = await (await t.as(org.people.otherCompoundResident)).file({ category: 'medicine', urgency: 'normal', description: '给钱奶奶买药', beneficiary: forNeighbour });
    expect(second.status).toBe(201);
    expect(second.body.possibleDuplicateOf).toEqual([]);
    const member = await t.as(org.people.member2);
    expect((await member.get(`/api/v1/tickets/${second.body.id}`)).body.ticket.possibleDuplicateOf).toEqual([first.body.id]);
    const again = await (await t.as(org.people.otherCompoundResident)).get(`/api/v1/tickets/${second.body.id}`);
    expect(again.body.ticket.possibleDuplicateOf).toEqual([]);
  });

  it('when a leader verifies it, then the resident sees their 包保 member and leader; audited', async () => {
    const resident = await t.as(org.people.resident);
    expect((await resident.patch('/api/v1/me', { homeAreaId: org.areas.building1.units[0]!.id })).status).toBe(200);
    expect((await resident.get('/api/v1/me/contacts')).body).toMatchObject({ responsible: null, leader: null });
    const leader = await t.as(org.people.leader);
    const listed = (await leader.get(`/api/v1/people?areaId=${org.areas.building1.units[0]!.id}`)).body.items.find(
      (p: { id: string }) => p.id === org.people.resident.id,
    );
    expect(listed.homeVerified).toBe(false);
    const verified = await leader.post(`/api/v1/people/${org.people.resident.id}/home/verify`, { note: '上门核实' });
    expect(verified.status).toBe(200);
    expect(verified.body.homeVerified).toBe(true);
    const contacts = (await resident.get('/api/v1/me/contacts')).body;
    expect(contacts.responsible).toMatchObject({ id: org.people.member2.id, phone: org.people.member2.phone });
    expect(contacts.leader).toMatchObject({ id: org.people.leader.id });
    const admin = await t.as(org.people.admin);
    const audit = (await admin.get('/api/v1/audit?entity=person&limit=100')).body.items.filter((e: { action: string }) => e.action === 'verify_home');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: org.people.leader.id, entityId: org.people.resident.id, after: { homeVerified: true, note: '上门核实' } });
    // Moving again makes it the resident's word once more.
    expect((await resident.patch('/api/v1/me', { homeAreaId: org.areas.building3.units[0]!.id })).status).toBe(200);
    expect((await resident.get('/api/v1/me/contacts')).body).toMatchObject({ responsible: null, leader: null });
  });

  it('when a member, the resident, or a leader elsewhere tries, then 403, 403/404 and 404', async () => {
    const resident = await t.as(org.people.resident);
    expect((await resident.patch('/api/v1/me', { homeAreaId: org.areas.building1.units[1]!.id })).status).toBe(200);
    const url = `/api/v1/people/${org.people.resident.id}/home/verify`;
    expect((await (await t.as(org.people.member2)).post(url)).status).toBe(403);
    expect([403, 404]).toContain((await resident.post(url)).status);
    expect((await (await t.as(org.people.otherCompoundLeader)).post(url)).status).toBe(404);
    expect((await (await t.as(org.people.secretary)).post(url)).status).toBe(200);
  });
});
