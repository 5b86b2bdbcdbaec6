import type { Client, TestApp } from './test-app.js';

/** The smallest bytes the upload endpoint takes for a PNG and a JPEG (it sniffs the first bytes). */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

/** One file as the mini-program sends it to POST /uploads (multipart/form-data, field `file`). */
export function multipart(filename: string, content: Buffer, type = 'image/png') {
  const boundary = '----minhu-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads a photo as `client`: the reply's status and body. */
export async function uploadPhoto(t: TestApp, client: Client, filename = 'photo.png', content: Buffer = PNG, type?: string) {
  const form = multipart(filename, content, type);
  const reply = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${await client.bearer()}`, ...form.headers },
    payload: form.payload,
  });
  return { status: reply.statusCode, body: reply.json() };
}

/** GET /uploads/:id as `client`. */
export async function fetchPhoto(t: TestApp, client: Client, id: string) {
  return t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: { authorization: `Bearer ${await client.bearer()}` } });
}
