import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveriesRepository, schema } from '@minhu/db';
import { loadConfig } from '../../apps/api/src/config.js';
import { MAX_ATTEMPTS, createSmsDispatcherService, retryDelayMs } from '../../apps/api/src/services/dispatcher.service.js';
import { createTencentSms } from '../../apps/api/src/services/sms-client.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

interface SendSms {
  action: string;
  authorization: string;
  body: { PhoneNumberSet: string[]; SmsSdkAppId: string; SignName: string; TemplateId: string; TemplateParamSet: string[]; SessionContext?: string };
  answer: string;
}

/** What the stand-in answers for a number: a per-number status code, an error reply, HTTP 500, or nothing. */
type Scripted = 'Ok' | `status:${string}` | `error:${string}` | 'http500' | 'hang';

/**
 * A stand-in for sms.tencentcloudapi.com's SendSms (API 2021-01-11, signed TC3-HMAC-SHA256 JSON
 * POSTs to /): each number gets the answers scripted for it, in order, then Ok, in Tencent's reply
 * shape ({"Response":{"SendStatusSet":[…],"RequestId"}} or {"Response":{"Error":{…}}}).
 */
function fakeTencentSms() {
  const state = { sends: [] as SendSms[], script: new Map<string, Scripted[]>(), delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as SendSms['body'];
      const phone = body.PhoneNumberSet?.[0] ?? '';
      const next: Scripted = state.script.get(phone)?.shift() ?? 'Ok';
      if (next === 'hang') return;
      state.sends.push({ action: String(req.headers['x-tc-action']), authorization: String(req.headers.authorization), body, answer: next });
      const answer = (status: number, payload: object) =>
        setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload)), state.delayMs);
      if (next === 'http500') return answer(500, {});
      if (next.startsWith('error:')) return answer(200, { Response: { Error: { Code: next.slice(6), Message: 'scripted' }, RequestId: 'r-1' } });
      const code = next === 'Ok' ? 'Ok' : next.slice(7);
      answer(200, {
        Response: {
          SendStatusSet: [{ SerialNo: `s-${state.sends.length}`, PhoneNumber: phone, Fee: 1, SessionContext: body.SessionContext ?? '', Code: code, Message: code === 'Ok' ? 'send success' : 'scripted', IsoCode: 'CN' }],
          RequestId: `r-${state.sends.length}`,
        },
      });
    });
  });
  return {
    state,
    server,
    to: (phone: string) => state.sends.filter((s) => s.body.PhoneNumberSet[0] === `+86${phone}`),
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

const TEMPLATES = { claimed: '2000001', resolved: '2000002', closed: '2000003', reopened: '2000004' };

describe('text messages (短信) for people who asked to be told by SMS', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let people: SmallOrg['people'];
  let org: SmallOrg;
  let leader: Client, member: Client, member2: Client;
  const sms = fakeTencentSms();

  beforeAll(async () => {
    env = {
      SMS_PROVIDER: 'tencent',
      SMS_API_BASE: await sms.start(),
      SMS_SECRET_ID: 'AKID-test',
      SMS_SECRET_KEY: 'test-key',
      SMS_SDK_APP_ID: '1400000001',
      SMS_SIGN_NAME: '民呼我行',
      SMS_TEMPLATES: JSON.stringify(TEMPLATES),
      // Long enough for a loaded machine; only the test of a provider that never answers waits it out.
      SMS_TIMEOUT_MS: '5000',
      SMS_DAILY_LIMIT_PER_PHONE: '5',
    };
    t = await startTestApp({ env });
    org = await smallOrg(t.make);
    ({ people } = org);
    [leader, member, member2] = [await t.as(people.leader), await t.as(people.member), await t.as(people.member2)];
  });
  afterAll(async () => {
    await t?.close();
    sms.server.close();
  });
  beforeEach(() => {
    sms.state.delayMs = 0;
  });

  const run = () => t.app.services.smsDispatcher!.run(t.clock.now());
  const deliveriesOf = (ticketId: string) =>
    t.handle.db
      .select({ delivery: schema.notificationDeliveries, type: schema.notifications.type })
      .from(schema.notificationDeliveries)
      .innerJoin(schema.notifications, eq(schema.notifications.id, schema.notificationDeliveries.notificationId))
      .where(eq(schema.notifications.ticketId, ticketId))
      .then((rows) => rows.map((r) => ({ ...r.delivery, type: r.type })).sort((a, b) => a.type.localeCompare(b.type)));

  /** A neighbour without the app, in 春晖小区, whose 包保 is 吴小燕; told by SMS, set by the leader. */
  let count = 0;
  async function smsPerson(phone: string) {
    const person = await t.make.person({ name: `短信${++count}`, phone, home: org.areas.building3.units[0], detail: `${count}01室` });
    await t.make.responsible(org.teams.compound, people.member, person);
    const set = await leader.put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'sms' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: person.id, notifyBy: 'sms', hasApp: false });
    return person;
  }
  /** The grid worker files for them; their 包保 claims it. */
  async function claimedFor(personId: string, description = '帮忙买降压药') {
    const filed = await member2.file({ category: 'medicine', urgency: 'normal', description, beneficiary: { personId } });
    expect(filed.status).toBe(201);
    expect(filed.body.assigneeId).toBe(people.member.id);
    expect((await member.post(`/api/v1/tickets/${filed.body.id}/claim`)).status).toBe(200);
    return filed.body as { id: string; number: string };
  }

  it('when a member claims and resolves the ticket of a person told by SMS, then the provider gets one message each, from its template, and no more', async () => {
    const person = await smsPerson('13711110001');
    const ticket = await claimedFor(person.id);
    expect((await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '药已送到' })).status).toBe(200);
    expect(await deliveriesOf(ticket.id)).toMatchObject([
      { channel: 'sms', status: 'pending', type: 'claimed' },
      { channel: 'sms', status: 'pending', type: 'resolved' },
    ]);

    expect(await run()).toEqual({ sent: 2, retried: 0, failed: 0 });
    // Sent side by side in one batch: in either order.
    const sent = sms.to('13711110001').sort((a, b) => a.body.TemplateId.localeCompare(b.body.TemplateId));
    expect(sent.map((s) => s.body)).toEqual([
      expect.objectContaining({ PhoneNumberSet: ['+8613711110001'], SmsSdkAppId: '1400000001', SignName: '民呼我行', TemplateId: TEMPLATES.claimed, TemplateParamSet: ['购药', people.member.name] }),
      expect.objectContaining({ TemplateId: TEMPLATES.resolved, TemplateParamSet: ['购药'] }),
    ]);
    // Signed as Tencent's API v3 expects, each with the delivery as its session context.
    expect(sent.every((s) => s.action === 'SendSms' && s.authorization.startsWith('TC3-HMAC-SHA256 Credential=AKID-test/'))).toBe(true);
    const rows = await deliveriesOf(ticket.id);
    expect(sent.map((s) => s.body.SessionContext).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(rows).toMatchObject([{ status: 'sent', attempts: 1, lastError: null }, { status: 'sent', attempts: 1 }]);

    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sms.to('13711110001')).toHaveLength(2);
    // The filer (a member, told in the app) gets no text message.
    expect(sms.to(people.member2.phone!)).toHaveLength(0);
  });

  it('when the person has not chosen SMS, then nothing is texted', async () => {
    const person = await t.make.person({ name: '没选短信', phone: '13711110002', home: org.areas.building3.units[0] });
    await t.make.responsible(org.teams.compound, people.member, person);
    const ticket = await claimedFor(person.id);
    expect(await deliveriesOf(ticket.id)).toEqual([]);
    await run();
    expect(sms.to('13711110002')).toHaveLength(0);
  });

  it('when the provider is down or answers errors, then the ticket flow goes on, and the message is retried after the back-off and sent', async () => {
    const person = await smsPerson('13711110003');
    sms.state.script.set('+8613711110003', ['http500', 'error:InternalError.Timeout', 'status:LimitExceeded.PhoneNumberThirtySecondLimit']);
    const ticket = await claimedFor(person.id);
    const first = t.clock.now();
    expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await deliveriesOf(ticket.id)).toMatchObject([{ status: 'pending', attempts: 1, nextAttemptAt: new Date(first.getTime() + retryDelayMs(1)) }]);
    t.clock.advance(retryDelayMs(1) - 1);
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 0 });
    t.clock.advance(1);
    expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await deliveriesOf(ticket.id))[0]!.lastError).toMatch(/^InternalError\.Timeout: scripted/);
    t.clock.advance(retryDelayMs(2));
    expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await deliveriesOf(ticket.id))[0]!.lastError).toBe('LimitExceeded.PhoneNumberThirtySecondLimit: scripted');
    t.clock.advance(retryDelayMs(3));
    expect(await run()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sms.to('13711110003').map((s) => s.answer)).toEqual(['http500', 'error:InternalError.Timeout', 'status:LimitExceeded.PhoneNumberThirtySecondLimit', 'Ok']);
    expect(await deliveriesOf(ticket.id)).toMatchObject([{ status: 'sent', attempts: 4 }]);
  });

  it('when the provider does not answer, then the attempt times out and is retried', async () => {
    const person = await smsPerson('13711110004');
    sms.state.script.set('+8613711110004', ['hang']);
    const ticket = await claimedFor(person.id);
    expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await deliveriesOf(ticket.id))[0]!.lastError).toMatch(/timeout/i);
    t.clock.advance(retryDelayMs(1));
    expect(await run()).toEqual({ sent: 1, retried: 0, failed: 0 });
  });

  it('when the provider refuses the number, then it fails at once, is never retried, and the failure stays on record', async () => {
    const person = await smsPerson('13711110005');
    sms.state.script.set('+8613711110005', ['status:InvalidParameterValue.IncorrectPhoneNumber']);
    const ticket = await claimedFor(person.id);
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await deliveriesOf(ticket.id)).toMatchObject([{ status: 'failed', attempts: 1, lastError: 'InvalidParameterValue.IncorrectPhoneNumber: scripted' }]);
    t.clock.advance(24 * 3600_000);
    await run();
    expect(sms.to('13711110005')).toHaveLength(1);
    // Admins see it, and why; nobody else does.
    const seen = await (await t.as(people.admin)).get('/api/v1/notification-deliveries?status=failed&channel=sms');
    expect(seen.status).toBe(200);
    expect(seen.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'sms', status: 'failed', type: 'claimed', ticketNumber: ticket.number, lastError: 'InvalidParameterValue.IncorrectPhoneNumber: scripted' }),
      ]),
    );
    expect(seen.body.items.every((i: { status: string; channel: string }) => i.status === 'failed' && i.channel === 'sms')).toBe(true);
    const denied = await leader.get('/api/v1/notification-deliveries?status=failed');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
  });

  it('when the provider keeps failing, then the message is given up after the last attempt', async () => {
    const person = await smsPerson('13711110006');
    sms.state.script.set('+8613711110006', Array(MAX_ATTEMPTS + 1).fill('error:InternalError.BackendTimeout'));
    const ticket = await claimedFor(person.id);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await run()).toEqual({ sent: 0, retried: 1, failed: 0 });
      t.clock.advance(retryDelayMs(attempt));
    }
    expect(await run()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await deliveriesOf(ticket.id)).toMatchObject([{ status: 'failed', attempts: MAX_ATTEMPTS }]);
    sms.state.script.delete('+8613711110006');
  });

  it('when one number would get more than the daily limit, then the rest are not sent that day (on record as failed), and the next day they go again', async () => {
    const person = await smsPerson('13711110007');
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await claimedFor(person.id, `第 ${i + 1} 次买药`)); // 3 claimed
    for (const ticket of tickets) expect((await member.post(`/api/v1/tickets/${ticket.id}/resolve`, { text: '送到了' })).status).toBe(200); // 3 resolved
    expect(await run()).toEqual({ sent: 5, retried: 0, failed: 1 });
    expect(sms.to('13711110007')).toHaveLength(5);
    const failed = (await Promise.all(tickets.map((x) => deliveriesOf(x.id)))).flat().filter((d) => d.status === 'failed');
    expect(failed).toMatchObject([{ lastError: 'daily limit of 5 messages to this number reached' }]);

    t.clock.advance(24 * 3600_000);
    await claimedFor(person.id, '第二天买药');
    expect(await run()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sms.to('13711110007')).toHaveLength(6);
  });

  it('when two processes send the outbox at once, then every message goes out exactly once', async () => {
    // Four people, five each (the daily limit): more than one batch, so both processes take some.
    const phones = ['13711110008', '13711110009', '13711110011', '13711110012'];
    const persons = [];
    for (const phone of phones) persons.push(await smsPerson(phone));
    const tickets = [];
    for (let i = 0; i < 5; i++) for (const p of persons) tickets.push(await claimedFor(p.id, `并发 ${i}`));
    const config = loadConfig({ ...env, JWT_SECRET: 'x'.repeat(40) });
    // Another process: its own SDK client on the same database and the same shared counters.
    const other = createSmsDispatcherService({
      deliveries: createDeliveriesRepository(t.handle),
      sms: createTencentSms(config.sms!),
      config: config.sms!,
      counters: t.app.services.rateCounters,
    });
    sms.state.delayMs = 20;
    const runs = await Promise.all([run(), other.run(t.clock.now())]);
    expect(runs[0].sent + runs[1].sent).toBe(20);
    if (t.handle.kind === 'postgres') expect(Math.min(runs[0].sent, runs[1].sent)).toBeGreaterThan(0);
    for (const phone of phones) expect(sms.to(phone)).toHaveLength(5);
    const sessions = phones.flatMap((phone) => sms.to(phone).map((s) => s.body.SessionContext));
    expect(new Set(sessions).size).toBe(20);
    for (const ticket of tickets) expect((await deliveriesOf(ticket.id)).map((d) => d.status)).toEqual(['sent']);
    const [left] = await t.handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending' AND channel = 'sms'`);
    expect(left!.n).toBe(0);
  });

  it('when someone who may not sets how a person is told, or the value is unknown, then it is refused and nothing changes', async () => {
    const person = await t.make.person({ name: '设置测试', phone: '13711110010', home: org.areas.building3.units[0] });
    await t.make.responsible(org.teams.compound, people.member, person);
    // Their 包保 may.
    expect((await member.put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'call' })).body.notifyBy).toBe('call');
    // Another member of the team sees them, but does not look after them.
    const notTheirs = await member2.put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'sms' });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.error.code).toBe('FORBIDDEN');
    // Residents and other compounds' leaders: as if the person did not exist.
    expect((await (await t.as(people.resident)).put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'sms' })).status).toBe(404);
    expect((await (await t.as(people.otherCompoundLeader)).put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'sms' })).status).toBe(404);
    const bad = await leader.put(`/api/v1/people/${person.id}/notify-by`, { notifyBy: 'fax' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    const [row] = await t.handle.db.select({ notifyBy: schema.users.notifyBy }).from(schema.users).where(eq(schema.users.id, person.id));
    expect(row!.notifyBy).toBe('call');
    const audit = await t.handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.entityId, person.id));
    expect(audit).toMatchObject([{ action: 'notify_by', actorId: people.member.id, before: { notifyBy: null }, after: { notifyBy: 'call' } }]);
  });

  it('when a resident chooses SMS for themself, then their own tickets are texted', async () => {
    const resident = await t.as(people.resident);
    expect((await resident.patch('/api/v1/me', { notifyBy: 'sms' })).status).toBe(200);
    const { body: ticket } = await resident.file({ category: 'supplies', urgency: 'normal', description: '买米' });
    expect((await member.post(`/api/v1/tickets/${ticket.id}/claim`)).status).toBe(200);
    await run();
    expect(sms.to(people.resident.phone!).map((s) => s.body.TemplateParamSet)).toEqual([['生活物资', people.member.name]]);
  });
});
