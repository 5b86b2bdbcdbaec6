import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWriteRepository } from '@minhu/db';
import { DEMO_ACCOUNTS } from '../../apps/api/src/demo/demo-accounts.js';
import { seedDemoIfEmpty } from '../../apps/api/src/demo/demo-seed.js';
import { importOrganisation } from '../../apps/api/src/org-import/importer.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DEMO_ORG = join(process.cwd(), 'apps/api/src/demo/org');
const ROLES: Record<string, string> = { 居民: 'resident', 队长: 'leader', 队员: 'member', 书记: 'secretary', 管理员: 'admin' };

/** The demo data, as `npm start` loads it on a fresh data folder. */
describe('the demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(async () => t?.close());

  it('when the demo is loaded, then it is loaded once, and its organisation is exactly its ledger files', async () => {
    expect(await seedDemoIfEmpty(t.handle, t.app.services, t.clock.now())).toBe(false);
    // The same files through the importer again (a dry run): everything is there, nothing differs.
    const files = readdirSync(DEMO_ORG).map((name) => ({ name, bytes: readFileSync(join(DEMO_ORG, name)) }));
    const report = await importOrganisation({ handle: t.handle, org: createOrgWriteRepository(t.handle) }, files, { dryRun: true, actorId: null, now: t.clock.now() });
    expect(report.problems).toEqual([]);
    const unchanged = (n: number) => ({ created: 0, updated: 0, unchanged: n });
    expect(report.counts).toEqual({
      areas: unchanged(64),
      teams: unchanged(7),
      people: unchanged(10),
      members: unchanged(14),
      officials: unchanged(4),
      responsibilities: unchanged(10),
    });
  });

  it('when each demo account signs in, then they are who the login screen says', async () => {
    const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/dev/accounts' })).json().items;
    expect(listed).toEqual(DEMO_ACCOUNTS);
    for (const account of DEMO_ACCOUNTS) {
      const me = (await (await t.as(account.phone)).get('/api/v1/me')).body;
      expect(me.name).toBe(account.name);
      expect(me.roles).toContain(ROLES[account.description.split(' · ')[0]!]);
    }
  });

  it('shows what the demo is for: compounds of every kind and level, a medical team, a member away, tickets in every status', async () => {
    const admin = await t.as('13900000099');
    const tickets = (await admin.get('/api/v1/tickets?scope=area&limit=100')).body.items as { status: string; description: string; team: { name: string } | null; assignee: { name: string } | null; routeReason: string }[];
    expect(tickets).toHaveLength(13);
    expect(new Set(tickets.map((x) => x.status))).toEqual(new Set(['assigned', 'claimed', 'in_progress', 'resolved', 'closed', 'cancelled']));
    const ticket = (start: string) => tickets.find((x) => x.description.startsWith(start))!;
    // 幸福社区's medical needs go to its medical team (a category team in the ledger).
    expect(ticket('明天上午要去省二院复查')).toMatchObject({ team: { name: '幸福社区就医保障队' }, routeReason: 'category_rule' });
    // 宋晓东 answers for building 5 but is away: 赵文博, his backup, has 高德明's request.
    expect(ticket('轮椅坏了')).toMatchObject({ team: { name: '幸福里小区民呼我行党员服务队' }, assignee: { name: '赵文博' } });
    const leader = await t.as('13900000010');
    const team = await t.ids.team('幸福里小区民呼我行党员服务队');
    const members = (await leader.get(`/api/v1/teams/${team}/members`)).body.items as { name: string }[];
    expect(members.find((m) => m.name === '宋晓东')).toMatchObject({ availability: 'unavailable', backupMemberId: await t.ids.user('13900000012') });

    const compound = async (code: string) => (await admin.get(`/api/v1/areas/${await t.ids.area(code)}`)).body.area;
    expect(await compound('XH-JSL-XF-HSZ')).toMatchObject({ name: '槐树庄', controlLevel: 'controlled' });
    expect(await compound('XH-JSL-HP-FZC')).toMatchObject({ name: '纺织厂家属院', controlLevel: 'sealed' });
    const compounds = [];
    for (const community of ['XH-JSL-XF', 'XH-JSL-HP', 'XH-JSL-XWC']) {
      compounds.push(...(await admin.get(`/api/v1/areas?parentId=${await t.ids.area(community)}`)).body.items);
    }
    expect(compounds.map((a: { name: string; compoundType: string }) => [a.name, a.compoundType])).toEqual([
      ['槐树庄', 'urban_village'],
      ['幸福里小区', 'residential'],
      ['和平苑小区', 'residential'],
      ['纺织厂家属院', 'unmanaged'],
      ['西王村', 'key_village'],
    ]);
  });
});
