import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3600_000;

/** 可能重复: the same need for the same person filed twice is flagged for the team. */
describe('possible duplicates', () => {
  let t: TestApp;
  let people: SmallOrg['people'], areas: SmallOrg['areas'];
  beforeAll(async () => {
    t = await startTestApp();
    ({ people, areas } = await smallOrg(t.make));
  });
  afterAll(async () => t?.close());

  it('when the son and the grid worker file the same milk for 王秀兰, then the second is flagged with the first', async () => {
    const unit = areas.building1.id;
    const son = await t.as({ phone: '13700000201' });
    const gridWorker = await t.as(people.member2);
    const milk = { category: 'supplies', urgency: 'normal', description: '给王秀兰买两箱牛奶', beneficiary: { name: '王秀兰', areaId: unit } };
    const first = await son.file(milk);
    expect(first.body.possibleDuplicateOf).toEqual([]);
    t.clock.advance(3 * HOUR);
    const second = await gridWorker.file({ ...milk, description: '王秀兰奶奶要牛奶' });
    expect(second.status).toBe(201);
    expect(second.body.possibleDuplicateOf).toEqual([first.body.id]);
    // The team sees it flagged in its queue.
    const queue = await (await t.as(people.leader)).get('/api/v1/tickets?scope=team&open=true&limit=100');
    expect(queue.body.items.find((i: { id: string }) => i.id === second.body.id).possibleDuplicateOf).toEqual([first.body.id]);
  });

  it('when the same resident files the same category twice, then flagged; another category, another person, or after 72 h, not', async () => {
    const resident = await t.as(people.resident);
    const first = await resident.file({ category: 'medicine', urgency: 'normal', description: '降压药' });
    t.clock.advance(HOUR);
    expect((await resident.file({ category: 'medicine', urgency: 'urgent', description: '降压药，急' })).body.possibleDuplicateOf).toEqual([first.body.id]);
    expect((await resident.file({ category: 'help', urgency: 'normal', description: '修水管' })).body.possibleDuplicateOf).toEqual([]);
    expect((await (await t.as(people.neighbour)).file({ category: 'medicine', urgency: 'normal', description: '降压药' })).body.possibleDuplicateOf).toEqual([]);
    t.clock.advance(73 * HOUR);
    // Both earlier medicine tickets are older than 72 h now.
    expect((await resident.file({ category: 'medicine', urgency: 'normal', description: '又要药了' })).body.possibleDuplicateOf).toEqual([]);
  });

  it('when the first ticket is no longer open, then the new one is not flagged', async () => {
    const resident = await t.as(people.otherCompoundResident);
    const first = await resident.file({ category: 'supplies', urgency: 'normal', description: '大米' });
    await resident.post(`/api/v1/tickets/${first.body.id}/cancel`, { reason: '不需要了' });
    expect((await resident.file({ category: 'supplies', urgency: 'normal', description: '大米' })).body.possibleDuplicateOf).toEqual([]);
  });
});
