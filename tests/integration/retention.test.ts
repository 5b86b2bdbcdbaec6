import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMISED_TEXT } from '@minhu/db';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { uploadPhoto } from '../support/photos.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const DAY = 24 * 3600_000;

/**
 * 保存期限 (issue 16.8): with RETENTION_DAYS set, tickets closed or cancelled longer ago than that
 * lose their free text, items, phones and photos, in batches; a dry run reports what a run would
 * touch and changes nothing. What the figures need stays.
 */
describe('RETENTION_DAYS', () => {
  let t: TestApp;
  let org: SmallOrg;
  let resident: Client;
  let member: Client;

  beforeAll(async () => {
    t = await startTestApp({ env: { RETENTION_DAYS: '30', RETENTION_BATCH_SIZE: '2' } });
    org = await smallOrg(t.make);
    resident = await t.as(org.people.resident);
    member = await t.as(org.people.member);
  });
  afterAll(async () => t?.close());

  /** A ticket worked to the end: photo, items, a note, resolved and confirmed with a comment. */
  async function closedTicket(description: string) {
    const photo = (await uploadPhoto(t, resident)).body;
    const filed = await resident.file({
      category: 'medicine',
      urgency: 'normal',
      description,
      contactPhone: '13600000001',
      items: [{ name: '胰岛素', quantity: 2, unit: '支', note: '冷藏' }],
      attachments: [photo.id],
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await member.post(`/api/v1/tickets/${id}/claim`)).status).toBe(200);
    expect((await member.post(`/api/v1/tickets/${id}/note`, { text: '已电话联系 13600000001，下午送到' })).status).toBe(200);
    expect((await member.post(`/api/v1/tickets/${id}/resolve`, { text: '药已送到 502 室' })).status).toBe(200);
    expect((await resident.post(`/api/v1/tickets/${id}/confirm`, { satisfied: true, rating: 5, comment: '谢谢吴小燕' })).status).toBe(200);
    return { id, photoId: photo.id as string };
  }

  it('when tickets finished more than 30 days ago, then a dry run counts them, a run clears them in batches, and the rest stay', async () => {
    const old = [await closedTicket('透析后需要胰岛素'), await closedTicket('化疗后需要止吐药'), await closedTicket('降压药')];
    const cancelled = (await resident.file({ category: 'help', urgency: 'normal', description: '帮忙修水管，电话 13600000001' })).body.id as string;
    expect((await resident.post(`/api/v1/tickets/${cancelled}/cancel`, { reason: '自己修好了' })).status).toBe(200);
    const stillOpen = (await resident.file({ category: 'supplies', urgency: 'normal', description: '大米一袋' })).body.id as string;
    t.clock.advance(31 * DAY);
    // A month on, both sign in again (a refresh token lasts 30 days).
    resident = await t.as(org.people.resident);
    member = await t.as(org.people.member);
    const recent = await closedTicket('刚办完的药');

    const before = await t.app.services.retention.dryRun(t.clock.now());
    expect(before).toEqual({ tickets: 4, items: 3, attachments: 3, events: expect.any(Number), notifications: expect.any(Number) });
    expect(before.events).toBeGreaterThanOrEqual(3 * 3 + 1);
    // A dry run changes nothing.
    expect((await member.get(`/api/v1/tickets/${old[0]!.id}`)).body.ticket.description).toBe('透析后需要胰岛素');

    const done = await t.app.services.retention.run(t.clock.now());
    expect(done).toMatchObject({ tickets: 4, items: 3, attachments: 3, batches: 3 });
    expect(done.events).toBe(before.events);

    for (const { id, photoId } of old) {
      const detail = (await member.get(`/api/v1/tickets/${id}`)).body;
      expect(detail.ticket).toMatchObject({ description: ANONYMISED_TEXT, items: [], attachments: [], contactPhone: null, ratingComment: null, status: 'closed', rating: 5, category: 'medicine' });
      const texts = JSON.stringify(detail.events);
      for (const words of ['13600000001', '下午送到', '502', '谢谢', '胰岛素', '止吐']) expect(texts).not.toContain(words);
      expect((await member.get(`/api/v1/uploads/${photoId}`)).status).toBe(404);
      const inbox = (await resident.get('/api/v1/notifications?limit=100')).body.items as { ticketId: string; body: string }[];
      for (const n of inbox.filter((i) => i.ticketId === id)) expect(n.body).toBe(ANONYMISED_TEXT);
    }
    expect((await resident.get(`/api/v1/tickets/${cancelled}`)).body.ticket.description).toBe(ANONYMISED_TEXT);
    // Finished 0 days ago, and still open: untouched.
    expect((await member.get(`/api/v1/tickets/${recent.id}`)).body.ticket.description).toBe('刚办完的药');
    expect((await member.get(`/api/v1/uploads/${recent.photoId}`)).status).toBe(200);
    expect((await resident.get(`/api/v1/tickets/${stillOpen}`)).body.ticket.description).toBe('大米一袋');
    // Each ticket once: a second run finds nothing.
    expect(await t.app.services.retention.run(t.clock.now())).toMatchObject({ tickets: 0, batches: 1 });
  });

  it('when anyone else writes to the timeline, then it is still append-only', async () => {
    await expect(t.handle.rows(sql`UPDATE ticket_events SET data = '{}'::jsonb`)).rejects.toThrow();
    await expect(t.handle.rows(sql`DELETE FROM ticket_events`)).rejects.toThrow();
  });

  it('without RETENTION_DAYS, then nothing is anonymised', async () => {
    const off = await startTestApp();
    try {
      expect(off.app.services.retention.days).toBeNull();
      expect(await off.app.services.retention.run(off.clock.now())).toMatchObject({ tickets: 0, batches: 0 });
    } finally {
      await off.close();
    }
  });
});
