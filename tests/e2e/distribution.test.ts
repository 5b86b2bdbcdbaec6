/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launch, signedInPhone, startProduct, view, type Phone } from './browser.js';

/**
 * A 健康包 round in the real H5 build against the real API: the secretary starts it (through the
 * API, as the start form would), a member walks building 3 and taps 已发放 at a door, the
 * leader's progress moves, and the resident sees their pack recorded on home. Screenshots go to
 * test-results/distribution-*.png.
 */
describe.runIf(hasChromium)('a distribution round in a browser', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let browser: Browser;
  const phones: Phone[] = [];
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
    const round = await api('/distributions', accessToken, { name: '第一轮健康包', areaId: items[0].id, items: [{ name: '健康包', quantity: 1, unit: '份' }] });
    roundId = round.id;
    expect(round.total).toBeGreaterThan(0);
  });
  afterAll(async () => {
    for (const p of phones) expect(p.errors).toEqual([]);
    await browser?.close();
    await product?.stop();
  });

  async function signIn(name: string): Promise<Phone> {
    const p = await signedInPhone(browser, product.url, name);
    phones.push(p);
    return p;
  }

  it('a member opens 物资发放, walks building 3 and records a door with one tap; the leader sees it move; the resident sees it on home', async () => {
    const member = await signIn('陈晓燕');
    await member.page.goto(`${product.url}/#/pages/me/index`);
    await view(member.page).locator('[data-testid="distributions-link"]').click();
    await member.page.waitForURL(/package-logistics\/pages\/rounds/);
    await view(member.page).locator('[data-testid="round-card"]').first().click();
    await member.page.waitForURL(/package-logistics\/pages\/round/);
    const door = view(member.page).locator('[data-testid="household"]').filter({ hasText: '3号楼 2单元 502室' });
    await expect.poll(() => door.isVisible()).toBe(true);
    await member.shot('distribution-member-doors');
    await door.locator('[data-testid="deliver"]').click();
    await expect.poll(() => door.getAttribute('data-status')).toBe('delivered');
    await expect.poll(() => door.textContent()).toContain('陈晓燕');

    const leader = await signIn('刘志强');
    await leader.page.goto(`${product.url}/#/package-logistics/pages/round/index?id=${roundId}`);
    const summary = view(leader.page).locator('[data-testid="round-summary"] [data-progress]');
    await expect.poll(() => summary.getAttribute('data-progress')).toMatch(/^1\//);
    await leader.shot('distribution-leader-progress');

    const resident = await signIn('张建国');
    const line = view(resident.page).locator('[data-testid="my-distribution"]');
    await expect.poll(() => line.getAttribute('data-status')).toBe('delivered');
    await expect.poll(() => line.textContent()).toContain('已送到您家');
    await resident.shot('distribution-resident-home');
  });
});
