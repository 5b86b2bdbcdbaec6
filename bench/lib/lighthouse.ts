import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/e2e/browser.js';
import { ROOT, startServer } from './processes.js';

/** The demo resident whose home is audited signed in. */
const RESIDENT = '13900000001';

export interface PageAudit {
  page: string;
  url: string;
  lcpMs: number;
  fcpMs: number;
  tbtMs: number;
  speedIndexMs: number;
  /** Scripts as sent (compressed), and all bytes, for this first load. */
  scriptBytes: number;
  scriptFiles: number;
  totalBytes: number;
  /** Lighthouse's own errors (a gatherer that failed, e.g. TraceElements on Chromium 156). */
  warnings: string[];
}

/**
 * Lighthouse 12 (mobile, simulated slow 4G: 150 ms round trips, 1.6 Mbit/s, CPU slowed 4×) on the
 * login screen and on a resident's home, signed in, each from a cold cache, against the embedded
 * demo serving the H5 build as `npm start` does. Debian's Chromium, started here with a fresh
 * profile; for the home, the profile is given the resident's tokens in localStorage first (from
 * a same-origin JSON address, so no script gets cached) and Lighthouse is told not to clear it.
 */
export async function auditFirstScreens(log: (line: string) => void, running?: string): Promise<PageAudit[] | { missing: string }> {
  if (!existsSync(CHROMIUM)) return { missing: `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` };
  if (!running && !existsSync(join(ROOT, 'apps/miniapp/dist/h5/index.html'))) return { missing: 'no apps/miniapp/dist/h5: run `npm run build:h5` (or the bench with --build)' };
  const dataDir = mkdtempSync(join(tmpdir(), 'minhu-bench-lh-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  // `running`: a demo server already up (to audit another build); else one of our own.
  const server = running
    ? { url: running, stop: async () => null }
    : await startServer({ script: 'apps/api/src/server.ts', env, ready: /打开 (http:\/\/\S+)/, timeoutMs: 120_000 });
  try {
    const login = await fetch(`${server.url}/api/v1/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: RESIDENT }) });
    if (!login.ok) throw new Error(`dev login: ${login.status}`);
    const reply = (await login.json()) as { accessToken: string; refreshToken: string; user: unknown };
    // As Taro's H5 storage keeps them: JSON of { data }.
    const storage = {
      'minhu.tokens': JSON.stringify({ data: { accessToken: reply.accessToken, refreshToken: reply.refreshToken } }),
      'minhu.me': JSON.stringify({ data: reply.user }),
    };
    const audits: PageAudit[] = [];
    for (const [name, path, signedIn] of [
      ['login', '/#/pages/login/index', false],
      ['resident home', '/#/pages/home/index', true],
    ] as const) {
      audits.push(await auditOne(name, `${server.url}${path}`, signedIn ? { origin: server.url, storage } : null));
      const a = audits.at(-1)!;
      log(`lighthouse ${name}: LCP ${Math.round(a.lcpMs)} ms, FCP ${Math.round(a.fcpMs)} ms, TBT ${Math.round(a.tbtMs)} ms, scripts ${(a.scriptBytes / 1024).toFixed(1)} KiB sent in ${a.scriptFiles} files`);
    }
    return audits;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function auditOne(name: string, url: string, signIn: { origin: string; storage: Record<string, string> } | null): Promise<PageAudit> {
  const profile = mkdtempSync(join(tmpdir(), 'minhu-bench-chromium-'));
  const browser = await startChromium(profile);
  try {
    if (signIn) {
      const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${browser.port}`);
      const page = await cdp.contexts()[0]!.newPage();
      await page.goto(`${signIn.origin}/api/v1/openapi.json`);
      await page.evaluate((entries) => {
        for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
      }, signIn.storage);
      await page.close();
      await cdp.close();
    }
    const result = await lighthouse(url, {
      port: browser.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      disableStorageReset: Boolean(signIn),
    });
    if (!result) throw new Error(`lighthouse gave nothing for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`lighthouse ${name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const value = (id: string) => {
      const v = lhr.audits[id]?.numericValue;
      if (typeof v !== 'number') throw new Error(`lighthouse ${name}: no ${id} (${lhr.audits[id]?.errorMessage ?? 'missing'})`);
      return v;
    };
    const requests = ((lhr.audits['network-requests']?.details as { items?: { url: string; resourceType?: string; transferSize?: number }[] } | undefined)?.items ?? []);
    const scripts = requests.filter((r) => r.resourceType === 'Script');
    if (signIn && !requests.some((r) => r.url.includes('/api/v1/tickets'))) throw new Error(`lighthouse ${name}: the home never asked for the tickets (not signed in?)`);
    return {
      page: name,
      url,
      lcpMs: value('largest-contentful-paint'),
      fcpMs: value('first-contentful-paint'),
      tbtMs: value('total-blocking-time'),
      speedIndexMs: value('speed-index'),
      scriptBytes: scripts.reduce((n, r) => n + (r.transferSize ?? 0), 0),
      scriptFiles: scripts.length,
      totalBytes: value('total-byte-weight'),
      warnings: [...(lhr.runWarnings ?? [])],
    };
  } finally {
    await browser.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Debian's Chromium, headless, with a remote-debugging port for Lighthouse (and Playwright). */
function startChromium(profile: string): Promise<{ port: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      ...CHROMIUM_ARGS,
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Chromium gave no debugging port:\n${output}`));
    }, 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}):\n${output}`));
    });
  });
}
