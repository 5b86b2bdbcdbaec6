/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launch, phone, signedInPhone, startProduct, view, type Phone } from './browser.js';

/**
 * Setting up the organisation by clicking, in the real H5 build against the real API: the
 * secretary walks the area tree and changes a control level; the leader makes an invite; a
 * newcomer joins with it (双报到) and the leader approves; a member goes off duty with a backup;
 * the admin reads it all back in the audit log. Screenshots go to test-results/org-*.png.
 */
describe.runIf(hasChromium)('organisation set-up in a browser', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let browser: Browser;
  const phones: Phone[] = [];
  const TEAM = '幸福里小区民呼我行党员服务队';

  beforeAll(async () => {
    product = await startProduct();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  async function signIn(name: string): Promise<Phone> {
    const p = await signedInPhone(browser, product.url, name);
    phones.push(p);
    return p;
  }

  async function openMe(p: Phone) {
    await p.page.goto(`${product.url}/#/pages/me/index`);
    await expect.poll(() => view(p.page).getByText('退出登录').isVisible()).toBe(true);
  }

  let leader: Phone;
  let link = '';
  let newcomer: Phone;

  it('the secretary opens 组织管理, sees her community and its compounds, and changes a control level and back', async () => {
    const secretary = await signIn('周建华');
    const { page } = secretary;
    await openMe(secretary);
    await view(page).locator('[data-testid="org-link"]').click();
    await page.waitForURL(/package-org\/pages\/org/);
    const card = view(page).locator('[data-testid="area-card"]');
    await expect.poll(() => card.textContent()).toContain('幸福社区');
    const compound = view(page).locator('[data-testid="child-area"][data-name="幸福里小区"]');
    await expect.poll(() => compound.isVisible()).toBe(true);
    await expect.poll(() => view(page).locator('[data-testid="team-row"]').first().isVisible()).toBe(true);
    await secretary.shot('org-secretary-community');

    await compound.click();
    const level = view(page).locator('[data-testid="control-level"]');
    await expect.poll(() => view(page).locator('[data-testid="area-card"]').textContent()).toContain('幸福里小区');
    await expect.poll(() => level.textContent()).toBe('常态');
    // Coverage: the counts, and (here) that everyone is looked after.
    const coverage = view(page).locator('[data-testid="coverage"]');
    await expect.poll(() => coverage.textContent()).toContain('个单元无人包保');
    await expect.poll(() => coverage.textContent()).toContain('位重点人员无人包保');

    for (const [key, words] of [['controlled', '管控区'], ['none', '常态']] as const) {
      await view(page).locator('[data-testid="change-level"]').click();
      await view(page).locator(`[data-level="${key}"]`).click();
      const modal = page.locator('.taro__modal');
      await expect.poll(() => modal.textContent()).toContain('此后这里提交的求助');
      if (key === 'controlled') await secretary.shot('org-control-level-confirm');
      await modal.getByText('确定', { exact: true }).click();
      await expect.poll(() => level.textContent()).toBe(words);
      if (key === 'controlled') await secretary.shot('org-control-level-controlled');
    }
    await secretary.shot('org-compound');
  });

  it('the leader makes an invite in 服务队管理: a big code and a join link', async () => {
    leader = await signIn('刘志强');
    const { page } = leader;
    await openMe(leader);
    await view(page).locator('[data-testid="team-admin-link"]').first().click();
    await page.waitForURL(/package-org\/pages\/team-admin/);
    await expect.poll(() => view(page).locator('[data-testid="team-card"]').textContent()).toContain(TEAM);
    await leader.shot('org-team-admin');
    await view(page).locator('[data-tab="invite"]').click();
    await view(page).locator('[data-testid="create-invite"]').click();
    const code = view(page).locator('[data-testid="invite-code"]');
    await expect.poll(() => code.textContent()).toMatch(/^[A-Z2-9]{8}$/);
    link = (await view(page).locator('[data-testid="invite-link"]').textContent())!.trim();
    expect(link).toBe(`${product.url}/#/pages/join/index?code=${(await code.textContent())!}`);
    await leader.shot('org-invite');
  });

  it('someone new signs in, opens the link and applies; it waits for the leader', async () => {
    newcomer = await phone(browser, product.url);
    phones.push(newcomer);
    const { page } = newcomer;
    await view(page).locator('[data-testid="phone-input"] input').fill('15900002468');
    await view(page).getByText('登录', { exact: true }).click();
    await page.waitForURL(/pages\/profile/);
    await view(page).locator('[data-testid="name-input"]').waitFor();
    await page.goto(link);
    await expect.poll(() => view(page).locator('[data-testid="invite-team"]').textContent()).toContain(TEAM);
    await newcomer.shot('org-join');
    await view(page).locator('[data-testid="join"]').click();
    await expect.poll(() => view(page).getByText(/等待队长审核/).isVisible()).toBe(true);
    await newcomer.shot('org-join-applied');
  });

  it('the leader approves, and the new member finds the team in 我的', async () => {
    const { page } = leader;
    await page.reload();
    const request = view(page).locator('[data-testid="join-request"][data-name="居民2468"]');
    await expect.poll(() => request.isVisible()).toBe(true);
    await leader.shot('org-join-request');
    await request.locator('[data-testid="approve"]').click();
    await expect.poll(() => view(page).locator('[data-testid="member-card"][data-name="居民2468"]').isVisible()).toBe(true);
    await expect.poll(() => request.count()).toBe(0);
    await leader.shot('org-join-approved');

    await openMe(newcomer);
    const team = view(newcomer.page).locator('[data-testid="my-team"]');
    await expect.poll(() => team.textContent()).toBe(`🚩 ${TEAM}（队员）`);
    await expect.poll(() => view(newcomer.page).locator('[data-testid="my-availability"]').isVisible()).toBe(true);
    await newcomer.shot('org-new-member-me');
  });

  it('a member sets herself 暂不可用 with a backup, and her leader sees it', async () => {
    const member = await signIn('陈晓燕');
    const { page } = member;
    await openMe(member);
    await view(page).locator('[data-testid="my-availability"]').click();
    await page.waitForURL(/package-org\/pages\/availability/);
    const card = view(page).locator(`[data-testid="team-availability"][data-team="${TEAM}"]`);
    await expect.poll(() => card.locator('[data-availability="unavailable"]').isVisible()).toBe(true);
    await card.locator('[data-availability="unavailable"]').click();
    await card.locator('[data-backup="赵文博"]').click();
    await card.locator('[data-testid="availability-note"] input').fill('发烧，在家休息两天');
    await member.shot('org-availability-form');
    await card.locator('[data-testid="save-availability"]').click();
    await expect
      .poll(() => card.locator('[data-testid="current-availability"]').textContent())
      .toBe('暂不可用 · 替班：赵文博 · 发烧，在家休息两天');
    await member.shot('org-availability-saved');

    await leader.page.reload();
    const row = view(leader.page).locator('[data-testid="member-card"][data-name="陈晓燕"]');
    await expect.poll(() => row.textContent()).toContain('替班：赵文博');
  });

  it('the admin reads who changed what in 操作记录', async () => {
    const admin = await signIn('吴敏');
    const { page } = admin;
    await openMe(admin);
    await view(page).locator('[data-testid="audit-link"]').click();
    await page.waitForURL(/package-org\/pages\/audit/);
    const entries = view(page).locator('[data-testid="audit-entry"]');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(6);
    const texts = await entries.allTextContents();
    expect(texts[0]).toContain('在岗状态：在岗 → 暂不可用');
    expect(texts[0]).toContain('替班队员：无 → 赵文博');
    expect(texts).toContainEqual(expect.stringContaining('同意入队申请'));
    expect(texts).toContainEqual(expect.stringMatching(/^设置管控级别.*幸福里小区管控级别：常态 → 管控区周建华/));
    await admin.shot('org-audit');
  });

  it('shows no console errors on any screen', () => {
    expect(phones.flatMap((p) => p.errors)).toEqual([]);
  });
});
