import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * What filing for someone tells the filer (issue 16.2): nothing the register knows about the
 * phone given. Whether it has an account, whether its person is tagged (the urgency raised, its
 * shorter limits), who answers for them by name: the reply, the detail and the list are the same
 * for a tagged and an untagged, a registered and an unregistered phone. The team sees it all.
 */
describe('filing for a phone number', () => {
  let t: TestApp;
  let org: SmallOrg;
  let resident: Client;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    resident = await t.as(org.people.resident);
  });
  afterAll(async () => t?.close());

  const probes = () => [
    ['a registered, tagged person (answered for by name)', org.people.neighbour.phone],
    ['a registered, untagged person', org.people.otherCompoundResident.phone],
    ['a phone nobody has', '13712345678'],
  ];

  /**
   * A reply with what differs between any two tickets (their ids, numbers, phones) taken out, and
   * the possible duplicates: the same filer's earlier tickets for the same household here.
   */
  const comparable = (ticket: Record<string, any>) => {
    const { id: _id, number: _number, possibleDuplicateOf: _duplicates, ...rest } = ticket;
    return { ...rest, beneficiary: { ...rest.beneficiary, phone: 'x' } };
  };

  it('when a resident files for each, then the replies, details and list items are the same', async () => {
    const filed: { ticket: Record<string, any>; detail: Record<string, any> }[] = [];
    for (const [, phone] of probes()) {
      const reply = await resident.file({
        category: 'medicine',
        urgency: 'normal',
        description: '帮邻居买药',
        beneficiary: { name: '邻居', phone, areaId: org.areas.building3.units[0]!.id },
      });
      expect(reply.status).toBe(201);
      const detail = await resident.get(`/api/v1/tickets/${reply.body.id}`);
      filed.push({ ticket: reply.body, detail: detail.body });
    }
    const [first, ...others] = filed;
    for (const other of others) {
      expect(comparable(other.ticket)).toEqual(comparable(first!.ticket));
      expect(comparable(other.detail.ticket)).toEqual(comparable(first!.detail.ticket));
      const events = (d: Record<string, any>) => d.events.map((e: Record<string, any>) => ({ type: e.type, data: e.data }));
      expect(events(other.detail)).toEqual(events(first!.detail));
    }
    expect(first!.ticket).toMatchObject({ urgency: 'normal', beneficiary: { userId: null }, assigneeId: null });
    const list = await resident.get('/api/v1/tickets?scope=filed');
    const mine = list.body.items.filter((i: { id: string }) => filed.some((f) => f.ticket.id === i.id));
    expect(mine).toHaveLength(3);
    for (const item of mine) expect(comparable(item)).toEqual(comparable(first!.ticket));
  });

  it('when the team opens them, then it sees the raised urgency, its due times and who the person is', async () => {
    const reply = await resident.file({
      category: 'medicine',
      urgency: 'normal',
      description: '帮钱奶奶买药',
      beneficiary: { name: '钱秀英', phone: org.people.neighbour.phone, areaId: org.areas.building1.units[0]!.id },
    });
    const asFiler = reply.body;
    const member = await t.as(org.people.member2);
    const asTeam = (await member.get(`/api/v1/tickets/${asFiler.id}`)).body.ticket;
    expect(asTeam).toMatchObject({ urgency: 'urgent', requestedUrgency: 'normal', beneficiary: { userId: org.people.neighbour.id } });
    expect(asTeam.assigneeId).toBe(org.people.member2.id);
    // The filer was shown the chosen urgency's limits: later than the ones the team works to.
    expect(new Date(asFiler.responseDueAt).getTime()).toBeGreaterThan(new Date(asTeam.responseDueAt).getTime());
    expect(asFiler.urgency).toBe('normal');
  });
});

describe('a resident’s own home address', () => {
  let t: TestApp;
  let org: SmallOrg;

  beforeAll(async () => {
    t = await startTestApp({ env: { HOME_CHANGES_PER_30_DAYS: '3' } });
    org = await smallOrg(t.make);
  });
  afterAll(async () => t?.close());

  it('when the register gave the home, then contacts show its 包保 member; once the resident sets another, only the team', async () => {
    const resident = await t.as(org.people.resident);
    const before = (await resident.get('/api/v1/me/contacts')).body;
    expect(before.responsible).toMatchObject({ id: org.people.member.id, phone: org.people.member.phone });
    expect(before.leader).not.toBeNull();
    expect((await resident.patch('/api/v1/me', { homeAreaId: org.areas.building1.units[0]!.id })).status).toBe(200);
    const after = (await resident.get('/api/v1/me/contacts')).body;
    expect(after.team).not.toBeNull();
    expect(after).toMatchObject({ responsible: null, leader: null });
  });

  it('when a new account walks the addresses, then it learns no member’s phone, and the fourth move in 30 days is refused (429), audited all the same', async () => {
    const stranger = await t.as('13787654321');
    const phones = new Set<string>();
    const homes = [org.areas.building3.units[0]!, org.areas.building5.units[0]!, org.areas.building1.units[1]!, org.areas.building3.units[1]!];
    const statuses: number[] = [];
    for (const home of homes) {
      statuses.push((await stranger.patch('/api/v1/me', { homeAreaId: home.id })).status);
      const contacts = (await stranger.get('/api/v1/me/contacts')).body;
      for (const c of [contacts.responsible, contacts.leader]) if (c?.phone) phones.add(c.phone);
    }
    expect(phones.size).toBe(0);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const admin = await t.as(org.people.admin);
    const audit = (await admin.get('/api/v1/audit?entity=person&limit=200')).body.items.filter(
      (e: { action: string; actorId: string }) => e.action === 'home_change' && e.actorId === stranger.userId,
    );
    expect(audit).toHaveLength(3);
    expect(audit.map((e: { after: { homeAreaId: string } }) => e.after.homeAreaId).sort()).toEqual(homes.slice(0, 3).map((h) => h.id).sort());
    // 30 days on, it may move again.
    t.clock.advance(30 * 24 * 3600 * 1000 + 1000);
    const later = await t.as('13787654321');
    expect((await later.patch('/api/v1/me', { homeAreaId: homes[3]!.id })).status).toBe(200);
  });

  it('when two moves race at the last allowed one, then exactly one is made', async () => {
    const racer = await t.as('13787650000');
    for (const home of [org.areas.building3.units[0]!, org.areas.building5.units[0]!]) {
      expect((await racer.patch('/api/v1/me', { homeAreaId: home.id })).status).toBe(200);
    }
    const replies = await Promise.all([org.areas.building1.units[0]!, org.areas.building1.units[1]!].map((home) => racer.patch('/api/v1/me', { homeAreaId: home.id })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 429]);
  });
});
