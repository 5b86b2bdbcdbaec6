import { URGENCIES, type Urgency } from './model.js';

/**
 * The order every ticket list shows (the team's queue, a member's own, a secretary's area):
 *
 * 1. open tickets before finished ones;
 * 2. among the open, emergencies (绿色通道) first: their rank is 0, every other urgency's 1;
 * 3. then by the due time that applies now (activeDueAt: claim-by while unclaimed, resolve-by
 *    while worked), earliest first, so the overdue come first by themselves, the longest overdue
 *    at the top, then those about to fall due;
 * 4. then by id, so that the order is total and a keyset cursor can name a place in it;
 * 5. finished tickets newest first.
 *
 * Why this order and not "overdue, then emergencies, then the rest": whether a ticket is overdue
 * changes with the clock, so an index cannot hold it, and a cursor taken a minute ago would place
 * tickets differently from the same query now (tickets repeated or skipped across pages). The
 * rank and the due time change only when the ticket is written; both are stored on the ticket,
 * the due time by the statement that writes the ticket's new state and the rank computed by the
 * database from the urgency in the same statement (a generated column, not a trigger), and the
 * queue indexes hold (rank, due time, id), so a page is read straight from an index in this
 * order, whatever the backlog. An emergency that is not yet overdue still has minutes left and
 * comes before overdue normal tickets: the green channel means "the clock runs in minutes".
 *
 * One write does move an open ticket within a queue it stays in: the claim (the due time that
 * applies goes from claim-by to resolve-by), which would show a ticket already seen again further
 * down, or skip one ahead that moved up. So a list's pages place a ticket claimed after a moment
 * fixed for the list (`since`, a minute before its first page, carried in the cursor) at its
 * claim-by time, where it stood while it waited; everything else at its due time. Each ticket has
 * one place for all the pages, and keyset paging shows it once (placedDue in packages/db). For a
 * minute after a claim, a fresh list also shows the ticket at its claim-by place.
 */
export const QUEUE_RANK: Readonly<Record<Urgency, number>> = { emergency: 0, urgent: 1, normal: 1 };

/** Every rank, in the order queues show them. */
export const QUEUE_RANKS: readonly number[] = [...new Set(URGENCIES.map((u) => QUEUE_RANK[u]))].sort((a, b) => a - b);

export function queueRank(urgency: Urgency): number {
  return QUEUE_RANK[urgency];
}
