/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axe, measure, type Measurement } from './audit.js';
import { hasChromium, launch, phone, RESULTS, settled, signedInPhone, startProduct, view, type Phone } from './browser.js';

/**
 * 关怀模式 to MIIT's numbers and the app as a screen reader and a keyboard meet it: every screen
 * of every role, in both modes, at 360 and 390 wide, measured in one pass per screen (tests/e2e/
 * audit.ts): text sizes and line heights, targets, nothing wider than the screen, and axe-core's
 * serious and critical violations (at 360 wide, the narrow case). A breach fails the role's test
 * naming the screen, the mode, the width and the element. Screenshots of every screen in
 * 关怀模式 go to test-results/care-*.png, the figures to test-results/care-audit.json.
 *
 * The roles are audited two at a time (the e2e project's maxConcurrency), each on a phone of its
 * own: the browser tests run after every other project, so the two cores are theirs, and every
 * wait ends on what the screen shows.
 */
describe.runIf(hasChromium).concurrent('关怀模式 and screen readers, on every screen', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let browser: Browser;
  const figures: { role: string; screen: string; care: boolean; width: number; m: Omit<Measurement, 'targets'>; axe: number }[] = [];
  /** A 健康包 round in the resident's compound, so the doors, the progress and the start form have content. */
  let roundId = '';

  beforeAll(async () => {
    product = await startProduct();
    browser = await launch();
    const api = async (path: string, token: string | null, body?: unknown) => {
      const response = await fetch(`${product.url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return response.json() as Promise<any>;
    };
    const { accessToken } = await api('/auth/dev', null, { phone: '13900000020' });
    const { items } = await api(`/areas?q=${encodeURIComponent('幸福里')}`, accessToken);
    roundId = (await api('/distributions', accessToken, { name: '第一轮健康包', areaId: items[0].id, items: [{ name: '健康包', quantity: 1, unit: '份' }] })).id;
  });
  afterAll(async () => {
    figures.sort((a, b) => `${a.role} ${a.screen}`.localeCompare(`${b.role} ${b.screen}`));
    writeFileSync(join(RESULTS, 'care-audit.json'), `${JSON.stringify(figures, null, 1)}\n`);
    await browser?.close();
    await product?.stop();
  });

  /** A screen: where it is (a path, or a way there) and what shows once it has loaded. */
  interface Screen {
    name: string;
    path?: string;
    go?: (page: Page) => Promise<void>;
    ready: string;
  }

  const visible = (page: Page, selector: string) => view(page).locator(selector).filter({ visible: true }).first();

  async function open(p: Phone, screen: Screen) {
    if (screen.go) await screen.go(p.page);
    // Not again to where it already is: the same address twice may race Taro's router.
    else if (p.page.url() !== `${product.url}/#${screen.path}`) await p.page.goto(`${product.url}/#${screen.path}`);
    await visible(p.page, screen.ready).waitFor();
    await visible(p.page, 'text=加载中…').waitFor({ state: 'hidden' });
    await settled(p.page);
  }

  /** Every screen in one mode: both widths measured, axe at 360, a picture in 关怀模式. */
  async function audit(role: string, p: Phone, screens: Screen[], care: boolean, findings: string[]) {
    for (const screen of screens) {
      await open(p, screen);
      for (const width of [360, 390]) {
        await p.page.setViewportSize({ width, height: 844 });
        await settled(p.page);
        const m = await measure(p.page, { care });
        const where = `${role} › ${screen.name} (${care ? '关怀模式' : '普通'}, ${width} wide)`;
        findings.push(...m.breaches.map((b) => `${where}: ${b}`));
        let violations = 0;
        if (width === 360) {
          for (const v of await axe(p.page, { care })) {
            violations += v.elements.length;
            findings.push(...v.elements.map((e) => `${where}: axe ${v.impact} ${v.rule}: ${e}`));
          }
        }
        const { targets: _targets, ...rest } = m;
        figures.push({ role, screen: screen.name, care, width, m: rest, axe: violations });
        if (care && width === 390) await p.shot(`care-${role}-${screen.name}`);
      }
    }
  }

  async function careOn(p: Phone) {
    await open(p, { name: 'me', path: '/pages/me/index', ready: '[data-testid="care-switch"]' });
    await visible(p.page, '[data-testid="care-switch"] input').check();
    await p.page.waitForFunction(() => document.documentElement.classList.contains('care'));
  }

  async function bothModes(role: string, p: Phone, screens: Screen[]) {
    const findings: string[] = [];
    await audit(role, p, screens, false, findings);
    await careOn(p);
    await audit(role, p, screens, true, findings);
    expect(findings).toEqual([]);
  }

  const me: Screen = { name: 'me', path: '/pages/me/index', ready: '[data-testid="care-switch"]' };
  const requests: Screen = { name: 'requests', path: '/pages/requests/index', ready: '[data-screen="requests"]' };
  const inbox: Screen = { name: 'inbox', path: '/pages/inbox/index', ready: '[data-screen="inbox"]' };
  /** The first ticket of a list, opened by tapping it (its address is kept for the second pass). */
  const firstTicket = (list: string): Screen => {
    let url = '';
    return {
      name: 'ticket',
      ready: '[data-event]',
      async go(page) {
        if (url) return void (await page.goto(url));
        await page.goto(`${product.url}/#${list}`);
        await visible(page, '[data-testid="ticket-card"] [role="button"]').click();
        await page.waitForURL(/pages\/ticket/);
        url = page.url();
      },
    };
  };

  it('signed out: the login screen', async () => {
    const p = await phone(browser, product.url);
    // Signed out, the home sends them to the login screen: audited once it is there.
    await p.page.waitForURL(/pages\/login/);
    const login: Screen = { name: 'login', path: '/pages/login/index', ready: '[data-phone]' };
    const findings: string[] = [];
    await audit('guest', p, [login], false, findings);
    await p.page.evaluate(() => localStorage.setItem('minhu.care', JSON.stringify({ data: true })));
    await p.page.reload();
    await audit('guest', p, [login], true, findings);
    expect(findings).toEqual([]);
  });

  it('a resident: home, requests, a ticket, the forms, profile, messages, 我的, an invite', async () => {
    const p = await signedInPhone(browser, product.url, '张建国');
    await bothModes('resident', p, [
      { name: 'home', path: '/pages/home/index', ready: '[data-testid="ticket-card"]' },
      requests,
      firstTicket('/pages/requests/index'),
      { name: 'form-medicine', path: '/pages/new/index?category=medicine&urgency=normal', ready: '[data-testid="item-name"]' },
      { name: 'form-medical', path: '/pages/new/index?category=medical&urgency=normal', ready: '[data-testid="description"]' },
      { name: 'form-emergency', path: '/pages/new/index?category=medical&urgency=emergency', ready: '[data-testid="description"]' },
      {
        name: 'form-for-someone-else',
        ready: '[data-testid="area-option"]',
        async go(page) {
          await page.goto(`${product.url}/#/pages/new/index?category=help&urgency=normal`);
          await visible(page, '[data-testid="proxy-switch"] input').check();
        },
      },
      { name: 'profile', path: '/pages/profile/index', ready: '[data-testid="name-input"]' },
      inbox,
      me,
      { name: 'join', path: '/pages/join/index?code=ABCD2345', ready: '.notice' },
    ]);
  });

  it('a member: the queue with 签收, requests, a ticket to claim, availability, 重点人员, 物资发放, 集中采购, messages, 我的', async () => {
    const p = await signedInPhone(browser, product.url, '陈晓燕');
    await bothModes('member', p, [
      { name: 'home', path: '/pages/home/index', ready: '[data-testid="ticket-card"]' },
      requests,
      firstTicket('/pages/home/index'),
      { name: 'availability', path: '/package-org/pages/availability/index', ready: '[data-availability]' },
      { name: 'people', path: '/package-org/pages/people/index', ready: '[data-screen="people"]' },
      { name: 'rounds', path: '/package-logistics/pages/rounds/index', ready: '[data-testid="round-card"]' },
      { name: 'round-doors', ready: '[data-testid="household"]', go: (page) => page.goto(`${product.url}/#/package-logistics/pages/round/index?id=${roundId}`).then(() => undefined) },
      { name: 'errand-new', path: '/package-logistics/pages/errand-new/index', ready: '[data-screen="errand-new"]' },
      inbox,
      me,
    ]);
  });

  it('a leader: the team’s figures, 服务队管理 (members, 包保, invites), a round’s progress and the start form', async () => {
    const p = await signedInPhone(browser, product.url, '刘志强');
    const teamAdmin = async (page: Page, tab: string) => {
      await page.goto(`${product.url}/#/pages/me/index`);
      await visible(page, '[data-testid="team-admin-link"]').click();
      await page.waitForURL(/team-admin/);
      await visible(page, `[data-tab="${tab}"]`).click();
    };
    await bothModes('leader', p, [
      {
        name: 'stats',
        ready: '[data-testid="rates"]',
        async go(page) {
          await page.goto(`${product.url}/#/pages/home/index`);
          await visible(page, '[data-testid="team-stats"]').click();
        },
      },
      { name: 'team-members', ready: '[data-testid="team-card"]', go: (page) => teamAdmin(page, 'members') },
      { name: 'team-duties', ready: '[data-testid="add-duty"]', go: (page) => teamAdmin(page, 'duties') },
      { name: 'team-invite', ready: '[data-screen="team-admin"]', go: (page) => teamAdmin(page, 'invite') },
      { name: 'round-progress', ready: '[data-testid="round-summary"]', go: (page) => page.goto(`${product.url}/#/package-logistics/pages/round/index?id=${roundId}`).then(() => undefined) },
      {
        name: 'round-start',
        ready: '[data-testid="start-form"]',
        async go(page) {
          await page.goto(`${product.url}/#/package-logistics/pages/rounds/index`);
          await visible(page, '[data-testid="start-round"]').click();
        },
      },
    ]);
  });

  it('a secretary: the overview and its chart, the overdue list, a team, 组织管理, 力量缺口', async () => {
    const p = await signedInPhone(browser, product.url, '周建华');
    await bothModes('secretary', p, [
      { name: 'home', path: '/pages/home/index', ready: '[data-testid="rates"]' },
      {
        name: 'overdue',
        ready: '[data-screen="list"]',
        async go(page) {
          await page.goto(`${product.url}/#/pages/home/index`);
          await visible(page, '[data-testid="overdue-counter"]').click();
          await page.waitForURL(/pages\/list/);
        },
      },
      {
        name: 'team',
        ready: '[data-testid="member-row"]',
        async go(page) {
          await page.goto(`${product.url}/#/pages/home/index`);
          await visible(page, '[data-testid="team-row"]').click();
          await page.waitForURL(/pages\/team/);
        },
      },
      { name: 'org', path: '/package-org/pages/org/index', ready: '[data-testid="area-card"]' },
      { name: 'staffing', path: '/package-logistics/pages/staffing/index', ready: '[data-testid="staffing-row"]' },
      requests,
    ]);
  });

  it('an admin: 操作记录', async () => {
    const p = await signedInPhone(browser, product.url, '吴敏');
    await bothModes('admin', p, [{ name: 'audit', path: '/package-org/pages/audit/index', ready: '[data-screen="audit"]' }]);
  });

  it('in the browser: zoom allowed, the text size follows the browser’s setting, titles and a back button, taps by keyboard', async ({ expect }) => {
    const p = await signedInPhone(browser, product.url, '张建国');
    const { page } = p;
    const viewport = await page.locator('meta[name="viewport"]').getAttribute('content');
    expect(viewport).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale/);

    // Chromium's own text-size setting (default 16 px): the app's text grows with it.
    const root = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const tile = () => visible(page, '.tile .name').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await tile();
    const cdp = await p.context.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24 } });
    await expect.poll(root).toBe(30);
    expect(await tile()).toBeCloseTo(before * 1.5, 1);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 } });
    await expect.poll(root).toBe(20);

    // A tile, reached and pressed by keyboard, opens its form; that page has a title and 返回.
    await visible(page, '[data-testid="tile-medicine"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/pages\/new/);
    const bar = page.locator('#taro-navigation-bar');
    await expect.poll(async () => (await bar.locator('[role="heading"]').textContent())?.trim().length).toBeGreaterThan(0);
    const back = bar.getByRole('button', { name: '返回' });
    await expect.poll(() => back.isVisible()).toBe(true);
    await back.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/pages\/home/);
    expect(p.errors).toEqual([]);
  });
});
