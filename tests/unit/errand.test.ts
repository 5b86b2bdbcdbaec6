import { describe, expect, it } from 'vitest';
import { errandCheck, shoppingList } from '@minhu/domain';

const member = { userId: 'me', teamIds: new Set(['t1', 't2']) };
const ticket = (over: Partial<Parameters<typeof errandCheck>[0]> = {}) => ({ id: 'x', status: 'assigned' as const, teamId: 't1', assigneeId: null, inErrand: false, ...over });

describe('errandCheck', () => {
  it('when a ticket of my team waits for a claim, then the errand claims it; when I hold it, it goes without a claim', () => {
    expect(errandCheck(ticket(), member)).toEqual({ ok: true, claim: true });
    expect(errandCheck(ticket({ assigneeId: 'someone' }), member)).toEqual({ ok: true, claim: true });
    expect(errandCheck(ticket({ status: 'in_progress', assigneeId: 'me' }), member)).toEqual({ ok: true, claim: false });
  });

  it('when it is another team\'s, finished, someone else\'s or in a running errand, then it is refused with the reason', () => {
    expect(errandCheck(ticket({ teamId: 't9' }), member)).toEqual({ ok: false, reason: 'other_team' });
    expect(errandCheck(ticket({ teamId: null }), member)).toEqual({ ok: false, reason: 'other_team' });
    expect(errandCheck(ticket({ status: 'resolved', assigneeId: 'me' }), member)).toEqual({ ok: false, reason: 'not_open' });
    expect(errandCheck(ticket({ status: 'cancelled' }), member)).toEqual({ ok: false, reason: 'not_open' });
    expect(errandCheck(ticket({ status: 'claimed', assigneeId: 'other' }), member)).toEqual({ ok: false, reason: 'claimed_by_other' });
    expect(errandCheck(ticket({ inErrand: true }), member)).toEqual({ ok: false, reason: 'in_errand' });
  });
});

describe('shoppingList', () => {
  it('when tickets ask for the same thing in the same unit, then one line sums them, says for whom, and whether a substitute will do', () => {
    const list = shoppingList([
      { ticketId: 'a', number: 'MH-1', forName: '孙大伟', address: '3号楼', items: [{ name: '硝苯地平 ', quantity: 2, unit: '盒', note: '可用同类替代' }, { name: '口罩', quantity: 10, unit: '只', note: null }] },
      { ticketId: 'b', number: 'MH-2', forName: '钱秀英', address: '1号楼', items: [{ name: '硝苯地平', quantity: 1, unit: '盒', note: '不可替代' }, { name: '硝苯地平', quantity: 0.1, unit: '板', note: null }] },
      { ticketId: 'c', number: 'MH-3', forName: '何桂兰', address: '东巷', items: [{ name: '口罩', quantity: 0.2, unit: '只', note: null }, { name: '口罩', quantity: 0.1, unit: '只', note: null }] },
    ]);
    expect(list.map((l) => [l.name, l.unit, l.quantity, l.substitutesAllowed])).toEqual([
      ['硝苯地平', '盒', 3, false],
      ['口罩', '只', 10.3, true],
      ['硝苯地平', '板', 0.1, true],
    ]);
    expect(list[0]!.for.map((f) => [f.forName, f.quantity, f.note])).toEqual([['孙大伟', 2, '可用同类替代'], ['钱秀英', 1, '不可替代']]);
    expect(shoppingList([])).toEqual([]);
  });
});
