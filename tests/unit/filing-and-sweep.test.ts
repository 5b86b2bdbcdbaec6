import { describe, expect, it } from 'vitest';
import {
  activeDueAt,
  activePhase,
  autoClose,
  escalate,
  fileTicket,
  sweepAt,
  sweepTicket,
  transition,
  type Actor,
  type MachineTicket,
} from '@minhu/domain';

/**
 * A ticket's life outside the actions people take: how it is filed, and what the overdue sweep
 * does with it (escalate while open, close by itself once resolved and left alone).
 */
const filedAt = new Date('2026-12-01T02:00:00Z');
const MIN = 60_000;
const later = (ms: number) => new Date(filedAt.getTime() + ms);
const limit = { claimWithinSeconds: 10 * 60, resolveWithinSeconds: 120 * 60 };
const QUIET_MS = 72 * 3600_000;

const routing = { teamId: 'team-1', assigneeId: 'member-1', reason: 'compound_team' as const, flagged: false, urgency: 'urgent' as const };
const filed = () =>
  fileTicket({
    filedById: 'proxy-1',
    beneficiaryUserId: 'elder-1',
    category: 'medicine',
    requestedUrgency: 'normal',
    onBehalf: true,
    routing,
    timeLimit: limit,
    now: filedAt,
  });

const member: Actor = { userId: 'member-1', teamRoles: new Map([['team-1', 'member']]), isAdmin: false, inAreaScope: false };
/** The filed ticket after the member's actions, each `at` its time. */
function after(...steps: { at: Date; input: Parameters<typeof transition>[1] }[]): MachineTicket {
  let ticket = filed().ticket;
  for (const { at, input } of steps) {
    const result = transition(ticket, input, member, { now: at, timeLimit: limit });
    if (!result.ok) throw new Error(result.error.code);
    ticket = result.next;
  }
  return ticket;
}
const claimed = (at: Date) => ({ at, input: { action: 'claim' as const } });
const resolved = (at: Date) => ({ at, input: { action: 'resolve' as const, text: '药已送到', attachments: [] } });
const started = (at: Date) => ({ at, input: { action: 'start' as const } });
const noted = (at: Date) => ({ at, input: { action: 'note' as const, text: '已联系家属', attachments: [] } });

describe('filing a ticket', () => {
  it('when a need is filed, then it waits for the routed team with both clocks started at filing', () => {
    const { ticket } = filed();
    expect(ticket).toMatchObject({
      status: 'assigned',
      teamId: 'team-1',
      assigneeId: 'member-1',
      filedById: 'proxy-1',
      beneficiaryUserId: 'elder-1',
      claimedAt: null,
      responseDueAt: later(10 * MIN),
      resolveDueAt: later(120 * MIN),
      escalationLevel: 0,
    });
    expect(activePhase(ticket)).toBe('response');
    expect(activeDueAt(ticket)).toEqual(later(10 * MIN));
  });

  it('when routing raised the urgency, then the created event keeps both, and the routing event says where it went and why', () => {
    const { created, routed } = filed();
    expect(created).toEqual({ type: 'created', data: { category: 'medicine', urgency: 'urgent', requestedUrgency: 'normal', onBehalf: true } });
    expect(routed).toEqual({ type: 'assigned', data: { teamId: 'team-1', assigneeId: 'member-1', reason: 'compound_team', flagged: false } });
  });
});

describe('the overdue sweep', () => {
  it('when nobody has claimed by the due time, then the sweep escalates once, on the response clock', () => {
    const { next, events } = sweepTicket(filed().ticket, limit, later(10 * MIN), QUIET_MS);
    expect(next.escalationLevel).toBe(1);
    expect(events).toEqual([
      { type: 'escalated', data: { level: 1, reason: 'overdue', phase: 'response', dueAt: later(10 * MIN).toISOString() } },
    ]);
  });

  it('when the sweep comes late, then every level reached since is escalated, each once', () => {
    const ticket = filed().ticket;
    const levels = (t: MachineTicket, at: Date) => escalate(t, limit, at).events.map((e) => e.data.level);
    expect(levels(ticket, later(30 * MIN))).toEqual([1, 2, 3]);
    expect(levels({ ...ticket, escalationLevel: 1 }, later(30 * MIN))).toEqual([2, 3]);
    expect(levels({ ...ticket, escalationLevel: 3 }, later(600 * MIN))).toEqual([]);
  });

  it('when nothing is due yet, then the sweep changes nothing', () => {
    const ticket = filed().ticket;
    expect(sweepTicket(ticket, limit, later(10 * MIN - 1), QUIET_MS)).toEqual({ next: ticket, events: [] });
  });

  it('when a claimed ticket runs past its resolve time, then the escalation names the resolve clock', () => {
    const ticket = after(claimed(later(5 * MIN)));
    expect(activePhase(ticket)).toBe('resolve');
    const { events } = sweepTicket(after(claimed(later(5 * MIN)), started(later(6 * MIN))), limit, later(121 * MIN), QUIET_MS);
    expect(events).toEqual([
      { type: 'escalated', data: { level: 1, reason: 'overdue', phase: 'resolve', dueAt: later(120 * MIN).toISOString() } },
    ]);
  });

  it('when a claim is neither started nor noted within the stale time (default: the claim limit), then the leader hears once', () => {
    const ticket = after(claimed(later(5 * MIN)));
    expect(ticket.staleClaimAt).toEqual(later(15 * MIN));
    // The sweep comes for it then, before any escalation.
    expect(sweepAt(ticket, limit, QUIET_MS)).toEqual(later(15 * MIN));
    expect(sweepTicket(ticket, limit, later(15 * MIN - 1), QUIET_MS).events).toEqual([]);
    const { next, events } = sweepTicket(ticket, limit, later(15 * MIN), QUIET_MS);
    expect(events).toEqual([
      { type: 'stale_claim', data: { assigneeId: 'member-1', claimedAt: later(5 * MIN).toISOString(), staleAt: later(15 * MIN).toISOString() } },
    ]);
    expect(next.staleClaimAt).toBeNull();
    // Once: the next look is the escalation, and that says nothing more about the claim.
    expect(sweepAt(next, limit, QUIET_MS)).toEqual(later(120 * MIN));
    expect(sweepTicket(next, limit, later(16 * MIN), QUIET_MS).events).toEqual([]);
  });

  it('when the claimer starts or writes a note, then the claim does not go stale; a secretary’s note does not count', () => {
    expect(after(claimed(later(5 * MIN)), started(later(6 * MIN))).staleClaimAt).toBeNull();
    expect(after(claimed(later(5 * MIN)), noted(later(6 * MIN))).staleClaimAt).toBeNull();
    const claimedTicket = after(claimed(later(5 * MIN)));
    const secretary: Actor = { userId: 'sec-1', teamRoles: new Map(), isAdmin: false, inAreaScope: true };
    const note = transition(claimedTicket, noted(later(6 * MIN)).input, secretary, { now: later(6 * MIN), timeLimit: limit });
    expect(note.ok && note.next.staleClaimAt).toEqual(later(15 * MIN));
  });

  it('when the policy sets staleClaimSeconds, then that is the time a claim may sit', () => {
    let ticket = filed().ticket;
    const result = transition(ticket, { action: 'claim' }, member, { now: later(5 * MIN), timeLimit: { ...limit, staleClaimSeconds: 3600 } });
    if (!result.ok) throw new Error(result.error.code);
    ticket = result.next;
    expect(ticket.staleClaimAt).toEqual(later(65 * MIN));
  });

  it('when a resolved ticket is left alone for the quiet period, then it closes by itself', () => {
    const ticket = after(claimed(later(5 * MIN)), resolved(later(60 * MIN)));
    const end = new Date(later(60 * MIN).getTime() + QUIET_MS);
    expect(autoClose(ticket, new Date(end.getTime() - 1), QUIET_MS)).toBeNull();
    expect(sweepTicket(ticket, limit, new Date(end.getTime() - 1), QUIET_MS).events).toEqual([]);
    const { next, events } = sweepTicket(ticket, limit, end, QUIET_MS);
    expect(next).toMatchObject({ status: 'closed', closedAt: end, escalationLevel: 0 });
    expect(events).toEqual([{ type: 'closed', data: { reason: 'auto', afterHours: 72 } }]);
  });

  it('when a ticket is finished, then the sweep neither escalates nor closes it', () => {
    const closed: MachineTicket = { ...filed().ticket, status: 'closed', closedAt: later(MIN) };
    const cancelled: MachineTicket = { ...filed().ticket, status: 'cancelled' };
    for (const ticket of [closed, cancelled]) {
      expect(sweepTicket(ticket, limit, later(QUIET_MS * 2), QUIET_MS).events).toEqual([]);
    }
  });
});

describe('which clock runs', () => {
  it('when the API says a waiting ticket was claimed once (transferred since), then its resolve clock runs', () => {
    // The mini-program asks with the API's ISO times.
    expect(activePhase({ status: 'assigned', claimedAt: later(5 * MIN).toISOString() })).toBe('resolve');
    expect(activePhase({ status: 'assigned', claimedAt: null })).toBe('response');
    expect(activePhase({ status: 'resolved', claimedAt: later(5 * MIN).toISOString() })).toBeNull();
  });
});
