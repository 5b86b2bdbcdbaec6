/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launch, phone, signedInPhone, startProduct, view, type Phone } from './browser.js';

/**
 * The whole journey by clicking, in the real H5 build against the real API on a real database,
 * one phone per person: a resident files a medicine request, a member claims and resolves it,
 * the resident confirms and rates it, the secretary sees it. Screenshots of each role's main
 * screens go to test-results/.
 */
describe.runIf(hasChromium)('the mini-program in a browser', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let browser: Browser;
  const phones: Phone[] = [];

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

  const description = `家里老人的降压药吃完了 ${Date.now()}`;
  let number = '';

  it('a resident files a medicine request in under a minute', async () => {
    const resident = await signIn('张建国');
    const { page } = resident;
    await expect.poll(() => view(page).getByText('幸福里小区 3号楼 2单元').first().isVisible()).toBe(true);
    await expect.poll(() => view(page).getByText('包保队员：陈晓燕').isVisible()).toBe(true);
    await resident.shot('resident-home');

    await view(page).locator('[data-testid="tile-medicine"]').click();
    await page.waitForURL(/pages\/new/);
    await view(page).locator('[data-testid="item-name"] input').fill('硝苯地平缓释片');
    await view(page).locator('[data-testid="item-quantity"] input').fill('2');
    await view(page).locator('[data-testid="description"] textarea').fill(description);
    await resident.shot('resident-form-medicine');
    await view(page).locator('[data-testid="submit"]').click();

    await expect.poll(() => page.getByText(/已提交，编号 MH-/).isVisible()).toBe(true);
    number = (await page.getByText(/已提交，编号 MH-/).textContent())!.match(/MH-\d{8}-\d{6}/)![0];
    await expect.poll(() => page.getByText(/社区服务队将在 2 小时内联系您/).isVisible()).toBe(true);
    await resident.shot('resident-submitted');
    await page.getByText('知道了').click();
    await page.waitForURL(/pages\/ticket/);
    await expect.poll(() => view(page).getByText(description).isVisible()).toBe(true);
    await expect.poll(() => view(page).getByText('待签收').first().isVisible()).toBe(true);
    await resident.shot('resident-ticket-assigned');
  });

  it('a member sees it in the queue, claims it with one tap, and resolves it', async () => {
    const member = await signIn('陈晓燕');
    const { page } = member;
    const card = view(page).locator(`[data-number="${number}"]`);
    await expect.poll(() => card.isVisible()).toBe(true);
    await member.shot('member-queue');
    await card.getByText('签收', { exact: true }).click();
    await page.waitForURL(/pages\/ticket/);
    await expect.poll(() => view(page).getByText('已签收').first().isVisible()).toBe(true);
    await view(page).locator('[data-action="start"]').click();
    await expect.poll(() => view(page).getByText('办理中').first().isVisible()).toBe(true);
    await view(page).locator('[data-action="resolve"]').click();
    await view(page).locator('[data-testid="action-text"] textarea').fill('药已买到，送到家门口，已电话告知');
    await member.shot('member-resolve-form');
    await view(page).locator('[data-testid="action-confirm"]').click();
    await expect.poll(() => view(page).getByText('已办结').first().isVisible()).toBe(true);
    await member.shot('member-ticket-resolved');
  });

  it('the member finds the new request in their messages', async () => {
    const { page, shot } = phones[1]!;
    await page.goto(`${product.url}/#/pages/inbox/index`);
    await expect.poll(() => view(page).getByText('新求助待签收').first().isVisible()).toBe(true);
    await shot('member-inbox');
  });

  it('a second member who is too late is told who has it', async () => {
    // A fresh ticket, claimed by 陈晓燕 while 赵文博's queue still shows it.
    const resident = phones[0]!;
    await resident.page.goto(`${product.url}/#/pages/new/index?category=help&urgency=normal`);
    await view(resident.page).locator('[data-testid="description"] textarea').fill('楼道灯坏了，麻烦换一下');
    await view(resident.page).locator('[data-testid="submit"]').click();
    await expect.poll(() => resident.page.getByText(/已提交，编号 MH-/).isVisible()).toBe(true);
    const second = (await resident.page.getByText(/已提交，编号 MH-/).textContent())!.match(/MH-\d{8}-\d{6}/)![0];
    await resident.page.getByText('知道了').click();

    const late = await signIn('赵文博');
    const card = view(late.page).locator(`[data-number="${second}"]`);
    await expect.poll(() => card.isVisible()).toBe(true);
    const first = phones[1]!;
    await first.page.goto(`${product.url}/#/pages/home/index`);
    const firstCard = view(first.page).locator(`[data-number="${second}"]`);
    await expect.poll(() => firstCard.isVisible()).toBe(true);
    await firstCard.getByText('签收', { exact: true }).click();
    await first.page.waitForURL(/pages\/ticket/);

    await card.getByText('签收', { exact: true }).click();
    await expect.poll(() => late.page.getByText('已被陈晓燕签收').isVisible()).toBe(true);
    await late.shot('member-lost-race');
    // The browser logs the refused claim (409) as a failed resource: expected here, and only here.
    expect(late.errors).toEqual([expect.stringContaining('409')]);
    late.errors.length = 0;
  });

  it('the resident confirms it and rates it, and the timeline shows every step', async () => {
    const { page, shot } = phones[0]!;
    await page.goto(`${product.url}/#/pages/requests/index`);
    await view(page).getByText('全部', { exact: true }).click();
    await view(page).locator(`[data-number="${number}"]`).click();
    await page.waitForURL(/pages\/ticket/);
    await expect.poll(() => view(page).getByText('已办结').first().isVisible()).toBe(true);
    await view(page).locator('[data-action="confirm"]').click();
    await view(page).locator('[data-testid="satisfied"]').click();
    await view(page).locator('[data-star="5"]').click();
    await view(page).locator('[data-testid="action-text"] textarea').fill('陈大姐送药很及时，谢谢！');
    await view(page).locator('[data-testid="action-confirm"]').click();
    await expect.poll(() => view(page).getByText('已完成').first().isVisible()).toBe(true);
    // The status shows first; the timeline follows with the page's refresh.
    const steps = () => view(page).locator('[data-event]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-event')));
    await expect.poll(steps).toEqual(['created', 'assigned', 'claimed', 'started', 'resolved', 'confirmed', 'closed']);
    await shot('resident-ticket-closed');
  });

  it('the secretary sees the community’s figures and the ticket', async () => {
    const secretary = await signIn('周建华');
    const { page } = secretary;
    await expect.poll(() => view(page).locator('[data-testid="rates"]').isVisible()).toBe(true);
    for (const label of ['响应率', '解决率', '满意率']) await expect.poll(() => view(page).getByText(label, { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => view(page).getByText('幸福里小区民呼我行党员服务队').first().isVisible()).toBe(true);
    await secretary.shot('secretary-overview');
    await view(page).locator('[data-testid="overdue-counter"]').click();
    await page.waitForURL(/pages\/list/);
    await secretary.shot('secretary-overdue');
    await page.goto(`${product.url}/#/pages/requests/index`);
    await view(page).getByText('全部', { exact: true }).click();
    await expect.poll(() => view(page).locator(`[data-number="${number}"]`).isVisible()).toBe(true);
  });

  it('the leader sees the same figures for the team', async () => {
    const leader = await signIn('刘志强');
    const { page } = leader;
    await view(page).locator('[data-testid="team-stats"]').click();
    await page.waitForURL(/pages\/stats/);
    await expect.poll(() => view(page).locator('[data-testid="rates"]').isVisible()).toBe(true);
    await leader.shot('leader-team-stats');
  });

  it('关怀模式 makes the text larger, and stays on', async () => {
    const { page, shot } = phones[0]!;
    await page.goto(`${product.url}/#/pages/home/index`);
    const size = () => view(page).locator('.tile .name').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await expect.poll(size).toBeGreaterThan(0);
    const before = await size();
    await page.goto(`${product.url}/#/pages/me/index`);
    await view(page).locator('[data-testid="care-switch"]').click();
    await page.goto(`${product.url}/#/pages/home/index`);
    await page.reload();
    await expect.poll(size).toBeGreaterThan(before * 1.15);
    expect(await size()).toBeGreaterThanOrEqual(18);
    await shot('resident-home-care-mode');
  });

  it('a newcomer signs in, sets their home from the area tree, and is routed there', async () => {
    const newcomer = await phone(browser, product.url);
    phones.push(newcomer);
    const { page } = newcomer;
    await view(page).locator('[data-testid="phone-input"] input').fill('15900001234');
    await view(page).getByText('登录', { exact: true }).click();
    await page.waitForURL(/pages\/profile/);
    await expect.poll(() => view(page).getByText(/第一次使用/).isVisible()).toBe(true);
    await view(page).locator('[data-testid="name-input"] input').fill('钱阿姨');
    await view(page).locator('[data-testid="address-search"] input').fill('幸福里');
    await view(page).locator('[data-testid="area-option"]').getByText('幸福里小区').click();
    await view(page).locator('[data-testid="area-option"]').getByText('5号楼').click();
    await view(page).locator('[data-testid="area-option"]').getByText('3单元').click();
    await expect.poll(() => view(page).locator('[data-testid="picked-address"]').textContent()).toBe('幸福里小区 5号楼 3单元');
    await view(page).locator('[data-testid="detail-input"] input').fill('1201室');
    await view(page).getByText('高龄', { exact: true }).click();
    await newcomer.shot('resident-first-use');
    await view(page).locator('[data-testid="save-profile"]').click();
    await page.waitForURL(/pages\/home/);
    await expect.poll(() => view(page).getByText('幸福里小区 5号楼 3单元').first().isVisible()).toBe(true);
    // Her request goes to the compound's team; an address she set herself is not yet verified, so
    // home names the team but no member or leader to call (issue 16.2: no phones for a self-set address).
    await expect.poll(() => view(page).getByText('幸福里小区民呼我行党员服务队').first().isVisible()).toBe(true);
    expect(await view(page).getByText(/包保队员：|队长：/).count()).toBe(0);
    await newcomer.shot('resident-home-newcomer');
  });

  it('shows no console errors on any screen', () => {
    expect(phones.flatMap((p) => p.errors)).toEqual([]);
  });
});
