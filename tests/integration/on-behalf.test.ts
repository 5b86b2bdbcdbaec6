import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../support/csv.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

describe('回访 on behalf of someone without the app', () => {
  let t: TestApp;
  let org: SmallOrg;
  let leader: Client, member: Client, member2: Client, resident: Client;
  let her: { id: string };
  /** Ticket numbers by description, for the ledger. */
  const numbers = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    // 孙桂英: in the register, living alone, never opened the app; 吴小燕 looks after her.
    her = await t.make.person({ name: '孙桂英', home: org.areas.building3.units[0], detail: '102室', tags: ['elderly', 'living_alone'] });
    await t.make.responsible(org.teams.compound, org.people.member, her as never);
    [leader, member, member2, resident] = [
      await t.as(org.people.leader),
      await t.as(org.people.member),
      await t.as(org.people.member2),
      await t.as(org.people.resident),
    ];
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The grid worker files for her; her 包保 claims and resolves it. */
  async function resolvedForHer(description: string) {
    const filed = await member2.file({ category: 'medicine', urgency: 'normal', description, beneficiary: { personId: her.id } });
    expect(filed.status).toBe(201);
    numbers.set(description, filed.body.number);
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/claim`)).status).toBe(200);
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/resolve`, { text: '药送到了' })).status).toBe(200);
    return filed.body as { id: string; number: string };
  }

  it('when her 包保 records her confirmation by phone, then the ticket closes with her rating, and the timeline says how and on whose behalf', async () => {
    const ticket = await resolvedForHer('降压药吃完了');
    const confirmed = await member.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 5, method: 'phone', comment: '电话里说药收到了' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'closed', rating: 5, satisfied: true });
    const { events } = (await leader.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(events.find((e: { type: string }) => e.type === 'confirmed')).toMatchObject({
      actorId: org.people.member.id,
      data: { satisfied: true, rating: 5, comment: '电话里说药收到了', method: 'phone', onBehalf: true },
    });
  });

  it('when the leader records at her door that she is not satisfied, then it is reopened and escalated as if she had said so in the app', async () => {
    const ticket = await resolvedForHer('买的药不对');
    const reopened = await leader.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: false, rating: 2, method: 'visit', comment: '药买错了' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'in_progress', satisfied: false, rating: 2 });
    const types = (await leader.get(`/api/v1/tickets/${ticket.id}`)).body.events.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(['confirmed', 'reopened', 'escalated']);
  });

  it('when someone other than the assignee or the leader tries it, then it is refused and nothing changes', async () => {
    const ticket = await resolvedForHer('买体温计');
    // The grid worker filed it: as the filer she may confirm in the app, not record a 回访.
    const byFiler = await member2.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 5, method: 'phone' });
    expect(byFiler.status).toBe(403);
    expect(byFiler.body.error).toMatchObject({ code: 'FORBIDDEN', message: '只有签收人或队长可以替求助对象记录回访。' });
    const outsider = await (await t.as(org.people.otherCompoundMember)).post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 5, method: 'phone' });
    expect(outsider.status).toBe(404);
    const bad = await member.post(`/api/v1/tickets/${ticket.id}/confirm`, { satisfied: true, rating: 5, method: 'sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect((await leader.get(`/api/v1/tickets/${ticket.id}`)).body.ticket.status).toBe('resolved');
  });

  it('when the person uses the app, then the member may not confirm for them: they rate it themself', async () => {
    const { body: own } = await resident.file({ category: 'supplies', urgency: 'normal', description: '买米' });
    numbers.set('买米', own.number);
    await member.post(`/api/v1/tickets/${own.id}/claim`);
    await member.post(`/api/v1/tickets/${own.id}/resolve`, { text: '米送到了' });
    const refused = await member.post(`/api/v1/tickets/${own.id}/confirm`, { satisfied: true, rating: 5, method: 'phone' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/请由本人确认和评价/);
    expect((await resident.post(`/api/v1/tickets/${own.id}/confirm`, { satisfied: true, rating: 4 })).body.status).toBe('closed');
  });

  it('when her 包保 records a call to her, then the timeline keeps it as a call; a kind it does not know is refused', async () => {
    const filed = await member2.file({ category: 'help', urgency: 'normal', description: '请队员打个电话', beneficiary: { personId: her.id } });
    await member.post(`/api/v1/tickets/${filed.body.id}/claim`);
    const noted = await member.post(`/api/v1/tickets/${filed.body.id}/note`, { text: '打电话问过了，明天上午送药', kind: 'call' });
    expect(noted.status).toBe(200);
    const { events } = (await leader.get(`/api/v1/tickets/${filed.body.id}`)).body;
    expect(events.at(-1)).toMatchObject({ type: 'note', actorId: org.people.member.id, data: { text: '打电话问过了，明天上午送药', kind: 'call' } });
    const plain = await member.post(`/api/v1/tickets/${filed.body.id}/note`, { text: '备注' });
    expect((await leader.get(`/api/v1/tickets/${filed.body.id}`)).body.events.at(-1).data).not.toHaveProperty('kind');
    expect(plain.status).toBe(200);
    const bad = await member.post(`/api/v1/tickets/${filed.body.id}/note`, { text: '短信', kind: 'sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('when a resident taps 请回电 ({"callBack": true} alone), then a ticket of other help at normal urgency reaches the team marked 请回电, and the claim answers it', async () => {
    const asked = await resident.file({ callBack: true });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ callBack: true, category: 'help', urgency: 'normal', description: '', status: 'assigned' });
    const seen = (await leader.get(`/api/v1/tickets/${asked.body.id}`)).body.ticket;
    expect(seen).toMatchObject({ callBack: true, teamId: org.teams.compound.id });
    const claimer = seen.assigneeId === org.people.member2.id ? member2 : member;
    const claimed = await claimer.post(`/api/v1/tickets/${asked.body.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.claimedAt).not.toBeNull();
    expect(claimed.body.overdue).toBe(false);
    // An ordinary request still needs its category, urgency and words.
    const bare = await resident.file({});
    expect(bare.status).toBe(400);
    expect(bare.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: '缺少必填项：「求助类别」 (category)' });
    const wordless = await resident.file({ category: 'supplies', urgency: 'normal', description: '  ' });
    expect(wordless.status).toBe(400);
    expect(wordless.body.error.message).toBe('缺少必填项：「求助内容」 (description)');
    const plain = await resident.file({ category: 'supplies', urgency: 'normal', description: '买米' });
    expect(plain.body.callBack).toBe(false);
  });

  it('when the secretary downloads the ledger, then 回访方式 says how each rating was given', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/exports/tickets.csv?from=${new Date(t.clock.now().getTime() - 86_400_000).toISOString()}&to=${new Date(t.clock.now().getTime() + 60_000).toISOString()}`,
      headers: { authorization: `Bearer ${await (await t.as(org.people.secretary)).bearer()}` },
    });
    expect(response.statusCode).toBe(200);
    const [headers, ...rows] = parseCsv(response.body.replace(/^\uFEFF/, ''));
    const column = headers!.indexOf('回访方式');
    expect(column).toBe(headers!.length - 1);
    const methodOf = (description: string) => rows.find((r) => r[0] === numbers.get(description))![column];
    expect(Object.fromEntries([...numbers.keys()].map((d) => [d, methodOf(d)]))).toEqual({ 降压药吃完了: '电话回访', 买的药不对: '上门回访', 买体温计: '', 买米: '本人评价' });
  });
});
