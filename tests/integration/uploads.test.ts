import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

function multipart(filename: string, content: Buffer, type = 'image/png') {
  const boundary = '----minhu-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('uploads', () => {
  let t: TestApp;
  let people: SmallOrg['people'];
  let resident: Client;
  const upload = async (client: Client, filename: string, content: Buffer, type?: string) => {
    const form = multipart(filename, content, type);
    const reply = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { authorization: `Bearer ${client.token}`, ...form.headers },
      payload: form.payload,
    });
    return { status: reply.statusCode, body: reply.json() };
  };
  const fetchUpload = (client: Client, id: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: { authorization: `Bearer ${client.token}` } });

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
