import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { compressTree } from '../../apps/miniapp/scripts/compress-h5.mjs';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The H5 build as the API serves it: hashed files cached for good, index.html revalidated, and
 * what the build compressed sent compressed. A small build of its own, compressed by the build's
 * own step.
 */
describe('the H5 pages', () => {
  let t: TestApp;
  const script = `console.log(${JSON.stringify('民呼我行 '.repeat(200))});`;
  const html = `<!doctype html><html><head><script defer src="/js/app.0123abcd.js"></script></head><body>${'<div></div>'.repeat(50)}</body></html>`;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'minhu-web-'));
    mkdirSync(join(root, 'js'));
    writeFileSync(join(root, 'index.html'), html);
    writeFileSync(join(root, 'js/app.0123abcd.js'), script);
    compressTree(root);
    t = await startTestApp({ env: { WEB_ROOT: root } });
  });
  afterAll(() => t?.close());

  const get = (url: string, encoding?: string) => t.app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

  it('when a path climbs out of the build (/../../etc/passwd, encoded or not), then 404 in the contract shape (a NUL 400), never 500', async () => {
    for (const url of ['/%2e%2e/%2e%2e/etc/passwd', '/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const reply = await get(url);
      expect(reply.statusCode, url).toBe(404);
      expect(reply.json().error.code, url).toBe('NOT_FOUND');
    }
    const nul = await get('/js/%00.js');
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.code).toBe('BAD_REQUEST');
  });

  it('when an /api path no route takes is asked for (an over-long parameter, an unknown path), then the API answers (414, 404), not the pages', async () => {
    const long = await get(`/api/v1/tickets/${'x'.repeat(200)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('URI_TOO_LONG');
    const unknown = await get('/api/v1/no-such-endpoint');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/没有这个接口/);
    // A file that is not there is still a 404.
    expect((await get('/js/missing.js')).statusCode).toBe(404);
  });

  it('when a hashed file is fetched, then it is cached for a year as immutable', async () => {
    const reply = await get('/js/app.0123abcd.js');
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(reply.body).toBe(script);
  });

  it('when the page is fetched, at / or by name, then it is revalidated every time (no-cache)', async () => {
    for (const url of ['/', '/index.html']) {
      const reply = await get(url);
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['cache-control']).toBe('no-cache');
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.body).toBe(html);
    }
  });

  it('when the browser accepts brotli or gzip, then the copy compressed at build time is sent', async () => {
    const br = await get('/js/app.0123abcd.js', 'br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 5);

    const gz = await get('/js/app.0123abcd.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const page = await get('/', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(html);
  });

  it('when a file is missing, then it is a 404, not the page', async () => {
    expect((await get('/js/nothing.js')).statusCode).toBe(404);
  });
});
