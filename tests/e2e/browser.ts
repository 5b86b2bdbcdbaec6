import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PATIENCE_MS } from './patience.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const RESULTS = join(process.cwd(), 'test-results');


/**
 * The real product for a browser test: the API process serving the H5 build, on a fresh database
 * with the demo data (PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite).
 */
export async function startProduct(): Promise<{ url: string; stop(): Promise<void> }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'true',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-e2e-')),
  };
  let dropDatabase = async () => {};
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const name = `minhu_e2e_${Date.now().toString(36)}`;
    const admin = new URL(base);
    admin.pathname = '/postgres';
    const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`CREATE DATABASE ${name}`);
    await sql.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const cleanup = postgres(admin.toString(), { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    };
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), PATIENCE_MS * 2);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /打开 (http:\/\/[^\s]+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await dropDatabase();
    },
  };
}

/**
 * Headless Debian Chromium that stays off the closed network (without the networking flags it
 * floods it); the bench's Lighthouse runs start it the same way.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  shot(name: string): Promise<void>;
}

/** A 390×844 phone-sized browser of its own (its own storage: one person per phone). */
export async function phone(browser: Browser, url: string): Promise<Phone> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  context.setDefaultTimeout(PATIENCE_MS);
  context.setDefaultNavigationTimeout(PATIENCE_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}/`);
  mkdirSync(RESULTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async shot(name) {
      await settled(page);
      await page.screenshot({ path: join(RESULTS, `${name}.png`) });
    },
  };
}

/**
 * Transitions (Taro's page slide, a sheet opening) have finished; endless ones (a spinner) are
 * left running.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/**
 * A phone of its own, signed in by tapping a demo account on the login screen: done when the home
 * screen shows for them (it renders only once the API has answered who they are).
 */
export async function signedInPhone(browser: Browser, url: string, name: string): Promise<Phone> {
  const p = await phone(browser, url);
  await view(p.page).getByText(name, { exact: true }).first().click();
  await homeScreen(p.page).waitFor();
  return p;
}

/** The home screen of whoever is signed in (resident, member or secretary). */
export function homeScreen(page: Page): Locator {
  return view(page).locator('[data-screen^="home-"]');
}

/** The screen on show: Taro's H5 router keeps earlier pages in the document, hidden. */
export function view(page: Page): Locator {
  return page.locator('.taro_page').filter({ visible: true });
}
