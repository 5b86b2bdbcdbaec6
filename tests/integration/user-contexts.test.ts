import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.js';
import { loadConfig } from '../../apps/api/src/config.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const onPostgres = process.env.TEST_DB === 'postgres';

/**
 * Who a signed-in person is is kept between their requests (user-contexts.ts) and forgotten the
 * moment anything about them changes: here, two API instances on one database stand for two
 * processes.
 */
describe.runIf(onPostgres)('who is signed in, kept between requests', () => {
  let t: TestApp;
  let org: SmallOrg;
  let other: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    const config = loadConfig({
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-test-')),
      LOG_LEVEL: 'silent',
    });
    other = await buildApp(config, { handle: t.handle, clock: t.clock.now, background: false });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  const me = async (app: FastifyInstance, token: string) =>
    (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).json();
  const teams = async (app: FastifyInstance, token: string) => ((await me(app, token)).teams as { name: string }[]).map((x) => x.name);
  const listening = () => expect.poll(async () => (await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'listen%minhu_people%'`))[0]!.n).toBeGreaterThan(0);

  it('when nothing announces a change, then the person is not read again (they are kept)', async () => {
    await listening();
    const member = await t.as(org.people.member2);
    const name = (await me(t.app, member.token)).name;
    // A change the database does not announce (its trigger switched off) is not seen: proof that
    // the person was kept, and why every change must be announced.
    await t.handle.rows(sql`ALTER TABLE users DISABLE TRIGGER users_people_changed`);
    try {
      await t.handle.rows(sql`UPDATE users SET name = '未通知的改名' WHERE id = ${member.userId}`);
    } finally {
      await t.handle.rows(sql`ALTER TABLE users ENABLE TRIGGER users_people_changed`);
    }
    expect((await me(t.app, member.token)).name).toBe(name);
    await t.handle.rows(sql`UPDATE users SET name = ${name} WHERE id = ${member.userId}`);
  });

  it('when a person is changed by hand in the database, then every process sees it at once', async () => {
    await listening();
    const member = await t.as(org.people.member2);
    await me(t.app, member.token);
    await me(other, member.token);
    await t.handle.rows(sql`UPDATE users SET name = '改过的名字' WHERE id = ${member.userId}`);
    await expect.poll(async () => (await me(t.app, member.token)).name).toBe('改过的名字');
    await expect.poll(async () => (await me(other, member.token)).name).toBe('改过的名字');
  });

  it('when a member is taken off the team in one process, then that process refuses them at once and the other within moments', async () => {
    await listening();
    const leader = await t.as(org.people.leader);
    const member = await t.as(org.people.member);
    const { id: team, name: teamName } = org.teams.compound;
    expect(await teams(t.app, member.token)).toContain(teamName);
    expect(await teams(other, member.token)).toContain(teamName);

    const removed = await leader.put(`/api/v1/teams/${team}/members/${member.userId}`, { active: false });
    expect(removed.status).toBe(200);
    // The same process: at once, no waiting for the announcement.
    expect(await teams(t.app, member.token)).not.toContain(teamName);
    await expect.poll(() => teams(other, member.token)).not.toContain(teamName);

    expect((await leader.put(`/api/v1/teams/${team}/members/${member.userId}`, { active: true })).status).toBe(200);
    expect(await teams(t.app, member.token)).toContain(teamName);
    await expect.poll(() => teams(other, member.token)).toContain(teamName);
  });

  it('when a team is renamed, then everyone is forgotten, and members see the new name', async () => {
    await listening();
    const member = await t.as(org.people.member);
    const { id: team, name: teamName } = org.teams.compound;
    await me(other, member.token);
    await t.handle.rows(sql`UPDATE teams SET name = '春晖小区新队名' WHERE id = ${team}`);
    try {
      await expect.poll(() => teams(other, member.token)).toContain('春晖小区新队名');
    } finally {
      await t.handle.rows(sql`UPDATE teams SET name = ${teamName} WHERE id = ${team}`);
    }
  });
});
