import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * The queues at a lockdown's backlog (issue 20): a team with 2,000 tickets waiting, paged with
 * keyset cursors while members claim and residents file between pages; the order the queues show;
 * cursors that belong to another list, were changed, or point past the end; the member home's
 * counters, exact beyond a page.
 */
describe('queues at a backlog', () => {
  let t: TestApp;
  let areas: SmallOrg['areas'], teams: SmallOrg['teams'], people: SmallOrg['people'];
  let resident: Client, member: Client, member2: Client, leader: Client, secretary: Client, otherMember: Client;
  const BACKLOG = 2000;

  interface Item {
    id: string;
    status: string;
    urgency: string;
    dueAt: string | null;
    responseDueAt: string;
    claimedAt: string | null;
    createdAt: string;
    overdue: boolean;
  }
  interface Page {
    items: Item[];
    nextCursor: string | null;
  }

  const ids = (items: { id: string }[]) => items.map((i) => i.id);
  const withCursor = (url: string, cursor: string | null) => (cursor ? `${url}&cursor=${encodeURIComponent(cursor)}` : url);
  const rank = (i: Item) => (i.urgency === 'emergency' ? 0 : 1);
  const open = (i: Item) => ['assigned', 'claimed', 'in_progress'].includes(i.status);
  /**
   * The due time a list's pages place an open ticket at: a ticket claimed within the minute before
   * the first page (`since`) or after it stays at its claim-by time (placedDue in packages/db).
   */
  const placed = (i: Item, since: number) => (i.claimedAt && Date.parse(i.claimedAt) > since ? Date.parse(i.responseDueAt) : Date.parse(i.dueAt!));
  /** Whether b may follow a in the lists' order: open by (rank, due as placed, id), then finished newest first. */
  const inOrder = (a: Item, b: Item, since = t.clock.now().getTime() - 60_000) => {
    if (open(a) !== open(b)) return open(a);
    if (open(a)) {
      const ka = [rank(a), placed(a, since)];
      const kb = [rank(b), placed(b, since)];
      if (ka[0] !== kb[0]) return ka[0]! < kb[0]!;
      if (ka[1] !== kb[1]) return ka[1]! < kb[1]!;
      return a.id < b.id;
    }
    return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
  };

  async function pageAll(who: Client, url: string, between: (page: number) => Promise<void> = async () => {}, shown?: Set<string>) {
    const seen: Item[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const reply: { status: number; body: Page } = await who.get<Page>(withCursor(url, cursor));
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items);
      for (const item of reply.body.items) shown?.add(item.id);
      cursor = reply.body.nextCursor;
      await between(++n);
    } while (cursor);
    return seen;
  }

  const waiting = async () =>
    (await t.handle.rows<{ id: string }>(sql`SELECT id FROM tickets WHERE team_id = ${teams.compound.id} AND status = 'assigned' ORDER BY id`)).map((r) => r.id);

  beforeAll(async () => {
    t = await startTestApp();
    ({ areas, teams, people } = await smallOrg(t.make));
    resident = await t.as(people.resident);
    member = await t.as(people.member);
    member2 = await t.as(people.member2);
    leader = await t.as(people.leader);
    secretary = await t.as(people.secretary);
    otherMember = await t.as(people.otherMember);
    // One ticket filed as a resident does, then the backlog copied from it in SQL: filed over the
    // last two days, one in twenty an emergency, many past their claim-by time already.
    const template = (await resident.file({ category: 'supplies', urgency: 'normal', description: '封控在家，需要米面油' })).body;
    await t.handle.rows(sql`
      INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
          team_id, assignee_id, filed_by_id, contact_name, contact_phone, route_reason, flagged, control_level, created_at,
          response_due_at, resolve_due_at, claim_limit_seconds, resolve_limit_seconds, due_at, updated_at)
      SELECT gen_random_uuid(), x.number || '-' || g, x.category, CASE WHEN g % 20 = 0 THEN 'emergency' ELSE 'normal' END, x.requested_urgency,
             'assigned', x.description || ' ' || g, x.area_id, x.compound_id, x.address, x.team_id, NULL, x.filed_by_id, x.contact_name, x.contact_phone,
             x.route_reason, x.flagged, x.control_level, c.at, c.at + x.claim_limit_seconds * interval '1 second',
             c.at + x.resolve_limit_seconds * interval '1 second', x.claim_limit_seconds, x.resolve_limit_seconds,
             c.at + x.claim_limit_seconds * interval '1 second', c.at
      FROM tickets x, generate_series(1, ${BACKLOG}) g,
           LATERAL (SELECT x.created_at - ((g * 7919) % 172800) * interval '1 second' AS at) c
      WHERE x.id = ${template.id}`);
  });
  afterAll(async () => t?.close());

  it('when members page the 待签收 queue while others claim and residents file between pages, then every ticket still waiting is seen once and none twice', async () => {
    const before = new Set(await waiting());
    expect(before.size).toBe(BACKLOG + 1);
    const claimed = new Set<string>();
    const seen = await pageAll(member, '/api/v1/tickets?scope=team&status=assigned&limit=100', async (page) => {
      // Some of what was already seen and some of what is still ahead are claimed; new needs come in.
      const all = await waiting();
      for (const id of [all[page * 7], all[all.length - 1 - page * 11], all[page * 131]]) {
        if (!id || claimed.has(id)) continue;
        const reply = await member2.post(`/api/v1/tickets/${id}/claim`);
        expect(reply.status).toBe(200);
        claimed.add(id);
      }
      expect((await resident.file({ category: 'medicine', urgency: page % 2 ? 'emergency' : 'normal', description: `第 ${page} 页之后的求助` })).status).toBe(201);
    });
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const stayed = [...before].filter((id) => !claimed.has(id));
    expect(claimed.size).toBeGreaterThan(20);
    for (const id of stayed) expect(seenIds).toContain(id);
    for (let i = 1; i < seen.length; i++) expect(inOrder(seen[i - 1]!, seen[i]!)).toBe(true);
  });

  it('when members page the whole open queue while others claim (moving those from claim-by to resolve-by) and residents file between pages, then every ticket open throughout is seen exactly once and none twice', async () => {
    const openNow = async () =>
      (await t.handle.rows<{ id: string }>(sql`SELECT id FROM tickets WHERE team_id = ${teams.compound.id} AND status IN ('assigned', 'claimed', 'in_progress') ORDER BY id`)).map((r) => r.id);
    const before = await openNow();
    expect(before.length).toBeGreaterThan(BACKLOG - 50);
    const since = t.clock.now().getTime() - 60_000;
    let claims = 0;
    let claimedSeen = 0;
    const shown = new Set<string>();
    const seen = await pageAll(member, '/api/v1/tickets?scope=team&open=true&limit=100', async (page) => {
      // Claims of tickets already shown (their new due time is further down, still ahead) and of
      // tickets still ahead (their claim-by place may be behind the page); new needs come in.
      const all = await waiting();
      const shownWaiting = all.filter((id) => shown.has(id));
      for (const id of new Set([shownWaiting[page * 3], shownWaiting.at(-1 - page), all[all.length - 1 - page * 13], all[page * 101]])) {
        if (!id) continue;
        if (shown.has(id)) claimedSeen++;
        const reply = await member2.post(`/api/v1/tickets/${id}/claim`);
        expect(reply.status).toBe(200);
        claims++;
      }
      // Time goes on between pages, as it does for a member scrolling.
      t.clock.advance(20_000);
      expect((await resident.file({ category: 'medicine', urgency: page % 3 ? 'normal' : 'emergency', description: `翻到第 ${page} 页时的求助` })).status).toBe(201);
    }, shown);
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const after = new Set(await openNow());
    const stayed = before.filter((id) => after.has(id));
    for (const id of stayed) expect(seenIds).toContain(id);
    // In the order throughout, the tickets claimed meanwhile at their claim-by place.
    for (let i = 1; i < seen.length; i++) expect(inOrder(seen[i - 1]!, seen[i]!, since)).toBe(true);
    expect(claims).toBeGreaterThan(40);
    expect(claimedSeen).toBeGreaterThan(10);
  });

  it('when the team list shows every status, then open tickets come first (emergencies, then by due time: overdue first), finished ones newest first, each once', async () => {
    // The claims of the tests before were more than a minute ago (for a minute a list still
    // places a claimed ticket at its claim-by time: placedDue in packages/db).
    t.clock.advance(61_000);
    // Some finished tickets among the backlog.
    const some = (await waiting()).slice(0, 3);
    for (const id of some) {
      expect((await member.post(`/api/v1/tickets/${id}/claim`)).status).toBe(200);
      expect((await member.post(`/api/v1/tickets/${id}/start`)).status).toBe(200);
      expect((await member.post(`/api/v1/tickets/${id}/resolve`, { text: '已送达' })).status).toBe(200);
    }
    const seen = await pageAll(leader, '/api/v1/tickets?scope=team&teamId=' + teams.compound.id + '&limit=100');
    const [{ n }] = (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE team_id = ${teams.compound.id}`)) as [{ n: number }];
    expect(seen.length).toBe(n);
    expect(new Set(ids(seen)).size).toBe(n);
    for (let i = 1; i < seen.length; i++) expect(inOrder(seen[i - 1]!, seen[i]!)).toBe(true);
    const firstNormal = seen.findIndex((i) => rank(i) === 1);
    expect(firstNormal).toBeGreaterThan(0);
    expect(seen.slice(0, firstNormal).every((i) => i.urgency === 'emergency' && open(i))).toBe(true);
    // Within the rest of the open ones, the overdue lead.
    const rest = seen.slice(firstNormal).filter(open);
    const firstOnTime = rest.findIndex((i) => !i.overdue);
    expect(firstOnTime).toBeGreaterThan(0);
    expect(rest.slice(firstOnTime).some((i) => i.overdue)).toBe(false);
    expect(seen.filter((i) => i.status === 'resolved').map((i) => i.id)).toEqual(expect.arrayContaining(some));
  });

  it('when a secretary pages the area list with and without overdue, then every open ticket of the area is seen once, in order', async () => {
    const all = await pageAll(secretary, '/api/v1/tickets?scope=area&open=true&limit=100');
    const [{ n }] = (await t.handle.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM tickets t JOIN areas a ON a.id = t.compound_id
      WHERE a.path LIKE ${areas.community.path + '%'} AND t.status IN ('assigned', 'claimed', 'in_progress')`)) as [{ n: number }];
    expect(all.length).toBe(n);
    expect(new Set(ids(all)).size).toBe(n);
    for (let i = 1; i < all.length; i++) expect(inOrder(all[i - 1]!, all[i]!)).toBe(true);
    const overdue = await pageAll(secretary, '/api/v1/tickets?scope=area&open=true&overdue=true&limit=100');
    expect(overdue.length).toBeGreaterThan(100);
    expect(overdue.every((i) => i.overdue)).toBe(true);
    expect(ids(overdue)).toEqual(ids(all.filter((i) => i.overdue)));
  });

  it('when a cursor is changed, belongs to another list or another person, then 400 INVALID_CURSOR in the contract’s shape', async () => {
    const first = await member.get<Page>('/api/v1/tickets?scope=team&status=assigned&limit=5');
    const cursor = first.body.nextCursor!;
    expect(cursor).toBeTruthy();
    const expectBad = (reply: { status: number; body: any }) => {
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('INVALID_CURSOR');
      expect(reply.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(reply.body.error.details).toEqual({ field: 'cursor' });
    };
    // Changed: another character in the keys, in the signature, a part missing, garbage.
    const [keys, filter, mac] = cursor.split('.') as [string, string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', `${flip(keys, 3)}.${filter}.${mac}`)));
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', `${keys}.${filter}.${flip(mac, 2)}`)));
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', `${keys}.${mac}`)));
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', 'garbage')));
    // Keys forged without the server's secret.
    const forged = Buffer.from(JSON.stringify(['o', 1, '2000-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', `${forged}.${filter}.${mac}`)));
    // Another list's cursor: another filter, another order of the same list, another person.
    const other = await member.get(withCursor('/api/v1/tickets?scope=team&open=true&limit=5', cursor));
    expectBad(other);
    expect(other.body.error.message).toContain('另一组筛选条件');
    expectBad(await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&overdue=true&limit=5', cursor)));
    expectBad(await member2.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=5', cursor)));
    // The same list with another page size is the same list.
    expect((await member.get(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=50', cursor))).status).toBe(200);
  });

  it('when the tickets after a cursor are gone meanwhile, then the next page is empty and last, not an error', async () => {
    // 柳树屯's team: two waiting tickets, a page of one, then the second is claimed.
    const villager = await t.as(people.otherResident);
    for (const d of ['第一件', '第二件']) expect((await villager.file({ category: 'help', urgency: 'normal', description: d })).status).toBe(201);
    const villageMember = await t.as({ phone: people.otherMember.phone });
    const first = await villageMember.get<Page>('/api/v1/tickets?scope=team&status=assigned&limit=1');
    expect(first.body.items).toHaveLength(1);
    const rest = await villageMember.get<Page>(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=100', first.body.nextCursor));
    for (const item of rest.body.items) expect((await otherMember.post(`/api/v1/tickets/${item.id}/claim`)).status).toBe(200);
    const after = await villageMember.get<Page>(withCursor('/api/v1/tickets?scope=team&status=assigned&limit=1', first.body.nextCursor));
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ items: [], nextCursor: null });
  });

  it('when a member opens their home, then the counters are exact beyond a page (待签收, 我的, 超时, 待接收) and follow a claim', async () => {
    const count = async (where: ReturnType<typeof sql>) =>
      ((await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE ${where}`)) as [{ n: number }])[0].n;
    const team = teams.compound.id;
    const openSql = sql`status IN ('assigned', 'claimed', 'in_progress')`;
    const expected = async () => ({
      unclaimed: await count(sql`team_id IN (${team}, ${teams.medical.id}) AND status = 'assigned'`),
      mine: await count(sql`assignee_id = ${member.userId} AND ${openSql}`),
      overdue: await count(sql`team_id IN (${team}, ${teams.medical.id}) AND ${openSql} AND due_at < ${t.clock.now().toISOString()}::timestamptz`),
      incoming: await count(sql`handoff_to_team_id IN (${team}, ${teams.medical.id})`),
    });
    const counts = await member.get('/api/v1/tickets/counts');
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual(await expected());
    expect(counts.body.unclaimed).toBeGreaterThan(100);
    expect(counts.body.overdue).toBeGreaterThan(100);
    const [next] = await waiting();
    expect((await member.post(`/api/v1/tickets/${next}/claim`)).status).toBe(200);
    const after = await member.get('/api/v1/tickets/counts');
    expect(after.body).toEqual(await expected());
    expect(after.body.unclaimed).toBe(counts.body.unclaimed - 1);
    expect(after.body.mine).toBe(counts.body.mine + 1);
    // A hand-off offered to the team by another team's leader counts as 待接收.
    const villageTicket = (await (await t.as(people.otherResident)).file({ category: 'help', urgency: 'normal', description: '需要转交' })).body;
    const villageLeader = await t.as(people.villageLeader);
    expect((await villageLeader.post(`/api/v1/tickets/${villageTicket.id}/transfer`, { teamId: team, reason: '归春晖小区服务' })).status).toBe(200);
    const offered = await member.get('/api/v1/tickets/counts');
    expect(offered.body).toEqual(await expected());
    expect(offered.body.incoming).toBe(after.body.incoming + 1);
    // Time passing makes more overdue, with nothing written.
    t.clock.advance(3 * 3600_000);
    expect((await member.get('/api/v1/tickets/counts')).body).toEqual(await expected());
    const residentCounts = await resident.get('/api/v1/tickets/counts');
    expect(residentCounts.status).toBe(403);
    expect(residentCounts.body.error.code).toBe('FORBIDDEN');
  });
});
