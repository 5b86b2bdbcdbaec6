import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * What every reply carries (helmet's headers, no-store on the API, HSTS only where HTTPS is
 * known), the H5 page's Content-Security-Policy, and connections that send too slowly closed.
 */
describe('the headers of every reply', () => {
  let t: TestApp;
  const inline = "(function(){document.documentElement.dataset.x='1'})()";
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'minhu-csp-'));
    writeFileSync(join(root, 'index.html'), `<!doctype html><html><head><script defer src="/js/app.js"></script><script data-preload-pages>${inline}</script></head><body></body></html>`);
    t = await startTestApp({ env: { WEB_ROOT: root } });
  });
  afterAll(async () => t?.close());

  it('when the API answers (a success, an error, a 404), then no-store, nosniff, no framing, no referrer, a CSP that allows nothing, and no HSTS over plain HTTP', async () => {
    const replies = [
      await t.app.inject({ method: 'GET', url: '/api/v1/health' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/me' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev', payload: { phone: 'x' } }),
    ];
    expect(replies.map((r) => r.statusCode)).toEqual([200, 401, 404, 400]);
    for (const reply of replies) {
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['x-frame-options']).toBe('DENY');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(reply.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('when not behind a trusted proxy, then X-Forwarded-Proto: https is not believed (no HSTS)', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(reply.headers['strict-transport-security']).toBeUndefined();
  });

  it('when the H5 page is served, then its CSP allows this origin and its own inline script by hash, never framing or eval', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/' });
    expect(reply.statusCode).toBe(200);
    const csp = String(reply.headers['content-security-policy']);
    const hash = createHash('sha256').update(inline).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('behind a TLS-terminating proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => t?.close());

  it('when the proxy says the request came over HTTPS, then HSTS; over HTTP, none', async () => {
    const https = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
    const http = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'http' } });
    expect(http.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('slow connections', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ env: { REQUEST_TIMEOUT_MS: '1000', CONNECTION_TIMEOUT_MS: '1000' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  /** Opens a connection, sends `first`, then one byte of `drip` at a time until the server closes it; resolves with what it answered. */
  const until = (first: string, drip = '') =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => (clearInterval(timer), resolve(answer)));
      socket.on('error', () => {});
      socket.write(first);
      let i = 0;
      if (drip) timer = setInterval(() => !socket.destroyed && socket.write(drip[i++ % drip.length]!), 200);
    });

  it('when a body trickles in (a byte every 200 ms, never finishing), then the server closes the connection (408)', async () => {
    const answer = await until('POST /api/v1/auth/dev HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{', ' ');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // In the contract's shape, in Chinese.
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(json.error.code).toBe('REQUEST_TIMEOUT');
    expect(json.error.message).toMatch(/请求超时/);
    expect(answer).toMatch(/content-type: application\/json/i);
  });

  it('when headers trickle in, then the server closes the connection', async () => {
    const answer = await until('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n', 'X');
    expect(answer === '' || /^HTTP\/1\.1 40[08]/.test(answer)).toBe(true);
  });

  it('when a connection sends nothing, then it is closed', async () => {
    // Closed by the idle timeout (nothing said) or by the request timeout's check (a 408), whichever comes first.
    const answer = await until('');
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });
});
