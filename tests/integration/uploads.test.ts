import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { fetchPhoto, JPEG, PNG, uploadPhoto } from '../support/photos.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

describe('uploads', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  let resident: Client;
  const upload = (client: Client, filename: string, content: Buffer, type?: string) => uploadPhoto(t, client, filename, content, type);
  const fetchUpload = (client: Client, id: string) => fetchPhoto(t, client, id);

  beforeAll(async () => {
    t = await startTestApp();
    ({ people } = await smallOrg(t.make));
    resident = await t.as(people.resident);
  });
  afterAll(async () => t?.close());

  it('when a photo is uploaded, then its type comes from its bytes, not its name', async () => {
    const png = await upload(resident, 'prescription.jpg', PNG, 'image/jpeg');
    expect(png).toMatchObject({ status: 201, body: { contentType: 'image/png', size: PNG.length } });
    const jpeg = await upload(resident, 'photo.png', JPEG);
    expect(jpeg.body.contentType).toBe('image/jpeg');
  });

  it('when the file is not an image, then 415; when over 5 MB, then 413', async () => {
    const text = await upload(resident, 'evil.png', Buffer.from('<script>alert(1)</script>'));
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await upload(resident, 'big.png', Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when attached to a ticket, then the team can see it, other residents cannot, and it cannot be reused', async () => {
    const { body: photo } = await upload(resident, 'rx.png', PNG);
    const filed = await resident.file({ category: 'medicine', urgency: 'normal', description: '按处方买药', attachments: [photo.id] });
    expect(filed.status).toBe(201);
    expect(filed.body.attachments).toEqual([photo.id]);

    const own = await fetchUpload(resident, photo.id);
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(own.rawPayload, PNG)).toBe(0);
    expect((await fetchUpload(await t.as(people.member), photo.id)).statusCode).toBe(200);
    expect((await fetchUpload(await t.as(people.otherResident), photo.id)).statusCode).toBe(404);
    expect((await fetchUpload(await t.as(people.otherMember), photo.id)).statusCode).toBe(404);

    const reused = await resident.file({ category: 'medicine', urgency: 'normal', description: '再用一次', attachments: [photo.id] });
    expect(reused.status).toBe(400);
    // Somebody else's upload cannot be attached either.
    const other = await t.as(people.otherResident);
    const { body: theirs } = await upload(other, 'x.png', PNG);
    expect((await resident.file({ category: 'help', urgency: 'normal', description: '偷用', attachments: [theirs.id] })).status).toBe(400);
    expect((await fetchUpload(resident, theirs.id)).statusCode).toBe(404);
  });

  it('when a member resolves with a photo, then the resident can see the proof', async () => {
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'normal', description: '送菜' });
    const member = await t.as(people.member);
    await member.post(`/api/v1/tickets/${ticket.id}/claim`);
    const { body: proof } = await upload(member, 'delivered.jpg', JPEG);
    const resolved = await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '已送达', attachments: [proof.id] });
    expect(resolved.status).toBe(200);
    expect((await fetchUpload(resident, proof.id)).statusCode).toBe(200);
  });
});
