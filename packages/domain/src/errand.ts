import type { TicketStatus } from './model.js';

/**
 * 跑腿批次: one trip for many residents' medicine or supplies. A member picks open tickets of
 * their teams; the errand claims the unclaimed ones, all or none, and sums what to buy.
 */

export interface ErrandCandidate {
  id: string;
  status: TicketStatus;
  teamId: string | null;
  assigneeId: string | null;
  /** Already in another errand that is still running. */
  inErrand: boolean;
}

/**
 * Why a ticket cannot go into an errand. `changed`: someone wrote it between the check and the
 * claim; `not_allowed`: the state machine refused the claim or the note (a hand-off waiting, say).
 */
export type ErrandRefusal = 'other_team' | 'not_open' | 'claimed_by_other' | 'in_errand' | 'changed' | 'not_allowed';

export const ERRAND_REFUSAL_MESSAGES: Record<ErrandRefusal, string> = {
  other_team: '不是您所在服务队的工单',
  not_open: '已经办结或取消',
  claimed_by_other: '已被其他队员签收',
  in_errand: '已在另一趟跑腿里',
  changed: '刚被其他人更新',
  not_allowed: '现在不能签收',
};

/**
 * The one sentence an errand refusal says: the ticket by its number when the member may know it
 * (null: one they may not see, or one the race lost without saying which), and why.
 */
export function errandRefusalMessage(number: string | null, why: string): string {
  return number === null ? `有一张工单${why}，这一趟跑腿没有建立。` : `工单 ${number} ${why}，这一趟跑腿没有建立，请去掉它再试。`;
}

/**
 * Whether the member may take this ticket into an errand, and whether the errand claims it: an
 * open ticket of one of their teams, not claimed by someone else, not in another running errand.
 */
export function errandCheck(t: ErrandCandidate, member: { userId: string; teamIds: ReadonlySet<string> }): { ok: true; claim: boolean } | { ok: false; reason: ErrandRefusal } {
  if (!t.teamId || !member.teamIds.has(t.teamId)) return { ok: false, reason: 'other_team' };
  if (t.status !== 'assigned' && t.status !== 'claimed' && t.status !== 'in_progress') return { ok: false, reason: 'not_open' };
  if (t.status !== 'assigned' && t.assigneeId !== member.userId) return { ok: false, reason: 'claimed_by_other' };
  if (t.inErrand) return { ok: false, reason: 'in_errand' };
  return { ok: true, claim: t.status === 'assigned' };
}

export interface ErrandTicketItems {
  ticketId: string;
  number: string;
  /** Who it is for (the beneficiary, else the filer). */
  forName: string;
  address: string;
  items: readonly { name: string; quantity: number; unit: string | null; note: string | null }[];
}

export interface ShoppingLine {
  name: string;
  unit: string | null;
  quantity: number;
  /** Each ticket's share, with its note (可用同类替代 / 不可替代). */
  for: { ticketId: string; number: string; forName: string; address: string; quantity: number; note: string | null }[];
  /** Whether a substitute will do for every share: false when any says 不可替代. */
  substitutesAllowed: boolean;
}

const key = (name: string, unit: string | null) => `${name.trim()}\u0000${(unit ?? '').trim()}`;

/** The shopping list: items summed by name and unit, in the order they first appear. */
export function shoppingList(tickets: readonly ErrandTicketItems[]): ShoppingLine[] {
  const lines = new Map<string, ShoppingLine>();
  for (const t of tickets) {
    for (const item of t.items) {
      const k = key(item.name, item.unit);
      let line = lines.get(k);
      if (!line) {
        line = { name: item.name.trim(), unit: item.unit?.trim() || null, quantity: 0, for: [], substitutesAllowed: true };
        lines.set(k, line);
      }
      // Quantities are decimals to three places (the column's scale): sum without float drift.
      line.quantity = Math.round((line.quantity + item.quantity) * 1000) / 1000;
      line.for.push({ ticketId: t.ticketId, number: t.number, forName: t.forName, address: t.address, quantity: item.quantity, note: item.note });
      if (item.note?.includes('不可替代')) line.substitutesAllowed = false;
    }
  }
  return [...lines.values()];
}
