import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { fetchPhoto, JPEG, uploadPhoto } from '../support/photos.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const PACK = [{ name: '健康包', quantity: 1, unit: '份' }];

/**
 * A photo taken at the door (健康包 handed over) is seen by whoever sees that household's line:
 * the leader and the secretaries over the round, the team covering it, the household itself;
 * nobody else learns it exists.
 */
describe('delivery photos', () => {
  let t: TestApp;
  let org: SmallOrg;
  let member: Client;
  let roundId: string;
  let photoId: string;

  const lineAt = async (room: string) =>
    ((await member.get(`/api/v1/distributions/${roundId}/households?limit=100`)).body.items as { id: string; room: string; attachments: string[] }[]).find(
      (l) => l.room === room,
    )!;

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    member = await t.as(org.people.member);
    const round = await (await t.as(org.people.secretary)).post('/api/v1/distributions', { name: '健康包', areaId: org.areas.compound.id, items: PACK });
    expect(round.status).toBe(201);
    roundId = round.body.id;
    const photo = await uploadPhoto(t, member, 'door.jpg', JPEG);
    expect(photo.status).toBe(201);
    photoId = photo.body.id;
    const done = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: (await lineAt('502室')).id, note: '放在门口', attachments: [photoId] });
    expect(done.status).toBe(201);
    expect(done.body.attachments).toEqual([photoId]);
  });
  afterAll(async () => t?.close());

  it('when the leader opens the photo of a door recorded by a member, then it is the photo; so for the secretaries, the admin, the team and the household', async () => {
    const { people } = org;
    for (const who of [people.leader, people.secretary, people.subdistrictSecretary, people.admin, people.member2, people.resident, people.member]) {
      const reply = await fetchPhoto(t, await t.as(who), photoId);
      expect([who.name, reply.statusCode]).toEqual([who.name, 200]);
      expect(reply.headers['content-type']).toBe('image/jpeg');
      expect(Buffer.compare(reply.rawPayload, JPEG)).toBe(0);
    }
  });

  it('when another household, another compound\'s leader or another team\'s member asks for it, then 404 as if there were none', async () => {
    const { people } = org;
    for (const who of [people.neighbour, people.otherCompoundLeader, people.villageLeader, people.otherMember, people.otherCommunitySecretary]) {
      const reply = await fetchPhoto(t, await t.as(who), photoId);
      expect([who.name, reply.statusCode]).toEqual([who.name, 404]);
      expect(reply.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('when the same photo is offered for another door, then 400 UNKNOWN_ATTACHMENT and that door stays pending', async () => {
    const other = await lineAt('201室');
    const reply = await member.post(`/api/v1/distributions/${roundId}/deliveries`, { lineId: other.id, attachments: [photoId] });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('UNKNOWN_ATTACHMENT');
    expect((await member.get(`/api/v1/distributions/${roundId}/households?status=pending&limit=100`)).body.items.map((l: { id: string }) => l.id)).toContain(other.id);
  });
});
