import { TICKET_STATUSES, type Category, type EventType, type TeamRole, type TicketStatus, type Urgency } from './model.js';
import type { RoutingResult } from './routing.js';
import { dueTimes, type TimeLimit } from './time-limits.js';

/**
 * The ticket state machine, as data: for each action, the statuses it may start from and the
 * relations to the ticket that allow a person to take it. `transition()` applies one action and
 * returns the next state with its events, or the reason it is refused. Route handlers never
 * compare statuses; they call this.
 */

export type TicketAction =
  | 'claim'
  | 'start'
  | 'note'
  | 'resolve'
  | 'transfer'
  | 'assign'
  | 'cancel'
  | 'confirm';

/** How a person stands to a ticket. A person may have several relations at once. */
export type Relation =
  | 'filer'
  | 'beneficiary'
  | 'team_member'
  | 'team_leader'
  | 'assignee'
  | 'area_secretary'
  | 'admin';

interface ActionRule {
  from: readonly TicketStatus[];
  by: readonly Relation[];
}

// The status sets the rest of the system asks about (the database turns them into SQL with
// packages/db's statusIn), so that what "open" means is written once.
/** Someone still has to act on it: a clock runs, and it shows in the queues. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['assigned', 'claimed', 'in_progress'];
/** A member has it in hand. */
export const WORKING_STATUSES: readonly TicketStatus[] = ['claimed', 'in_progress'];
/** Resolved (解决率), whether or not the resident has confirmed it since. */
export const SOLVED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];
/** What every rate counts: all but the cancelled (a need withdrawn is nobody's success or failure). */
export const COUNTED_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((s) => s !== 'cancelled');

export const TICKET_ACTIONS: Readonly<Record<TicketAction, ActionRule>> = {
  // 签收: any member of the ticket's team, the suggested assignee first in their queue.
  claim: { from: ['assigned'], by: ['team_member'] },
  start: { from: ['claimed'], by: ['assignee', 'team_leader'] },
  // Notes: the people working it, plus secretaries and admins supervising it (督办).
  note: {
    from: [...OPEN_STATUSES, 'resolved'],
    by: ['assignee', 'team_leader', 'area_secretary', 'admin'],
  },
  resolve: { from: WORKING_STATUSES, by: ['assignee', 'team_leader'] },
  transfer: { from: OPEN_STATUSES, by: ['assignee', 'team_leader', 'area_secretary', 'admin'] },
  // Reassigning within the team (the leader's job; a secretary may step in).
  assign: { from: OPEN_STATUSES, by: ['team_leader', 'area_secretary', 'admin'] },
  cancel: { from: OPEN_STATUSES, by: ['filer'] },
  confirm: { from: ['resolved'], by: ['filer', 'beneficiary'] },
};

export interface MachineTicket {
  status: TicketStatus;
  teamId: string | null;
  assigneeId: string | null;
  filedById: string;
  beneficiaryUserId: string | null;
  claimedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  responseDueAt: Date;
  resolveDueAt: Date;
  ratingSatisfied: boolean | null;
  ratingStars: number | null;
  ratingComment: string | null;
  /** The highest escalation level reached (see escalation.ts). */
  escalationLevel: number;
}

export interface Actor {
  userId: string;
  /** The teams this person belongs to, and their role in each. */
  teamRoles: ReadonlyMap<string, TeamRole>;
  isAdmin: boolean;
  /** Whether the ticket lies in an area this person is secretary of; the caller works it out. */
  inAreaScope: boolean;
}

export type ActionInput =
  | { action: 'claim' }
  | { action: 'start' }
  | { action: 'note'; text: string; attachments: string[] }
  | { action: 'resolve'; text: string; attachments: string[] }
  | { action: 'transfer'; teamId: string; reason: string; assigneeId: string | null }
  | { action: 'assign'; assigneeId: string }
  | { action: 'cancel'; reason: string }
  | { action: 'confirm'; satisfied: boolean; rating: number; comment: string | null };

export interface DomainEvent {
  type: EventType;
  data: Record<string, unknown>;
}

export type TransitionError =
  | { code: 'FORBIDDEN'; action: TicketAction }
  | { code: 'INVALID_TRANSITION'; action: TicketAction; status: TicketStatus }
  | { code: 'ALREADY_CLAIMED'; claimedById: string | null }
  | { code: 'SAME_TEAM' };

/** A ticket's next state and what happened to get there. */
export interface TicketChange {
  next: MachineTicket;
  events: DomainEvent[];
}

export type TransitionResult = ({ ok: true } & TicketChange) | { ok: false; error: TransitionError };

export interface TransitionContext {
  now: Date;
  /** The ticket's time limit, for the new resolve clock of a reopened ticket. */
  timeLimit: TimeLimit;
}

export function relationsOf(ticket: MachineTicket, actor: Actor): Set<Relation> {
  const relations = new Set<Relation>();
  if (ticket.filedById === actor.userId) relations.add('filer');
  if (ticket.beneficiaryUserId === actor.userId) relations.add('beneficiary');
  const teamRole = ticket.teamId === null ? undefined : actor.teamRoles.get(ticket.teamId);
  if (teamRole) relations.add('team_member');
  if (teamRole === 'leader') relations.add('team_leader');
  // The claimer once claimed; before that, the member routing suggested (the responsible one).
  if (ticket.assigneeId !== null && ticket.assigneeId === actor.userId) relations.add('assignee');
  if (actor.inAreaScope) relations.add('area_secretary');
  if (actor.isAdmin) relations.add('admin');
  return relations;
}

export function mayAct(ticket: MachineTicket, actor: Actor, action: TicketAction): boolean {
  const relations = relationsOf(ticket, actor);
  return TICKET_ACTIONS[action].by.some((r) => relations.has(r));
}

/** The actions this person could take on the ticket now (for the UI's buttons). */
export function availableActions(ticket: MachineTicket, actor: Actor): TicketAction[] {
  return (Object.keys(TICKET_ACTIONS) as TicketAction[]).filter(
    (action) => TICKET_ACTIONS[action].from.includes(ticket.status) && mayAct(ticket, actor, action),
  );
}

/** Which of a ticket's two clocks runs (see activePhase). */
export type DuePhase = 'response' | 'resolve';

/**
 * The clock that runs now: the response clock while nobody has answered, the resolve clock while
 * it is being worked (also after a transfer: 首接负责 keeps the first claim, and its clock), none
 * once resolved, closed or cancelled. Only whether it was ever claimed matters, so the API's
 * ISO time does as well as a Date (the mini-program asks this too).
 */
export function activePhase(ticket: { status: TicketStatus; claimedAt: Date | string | null }): DuePhase | null {
  if (!OPEN_STATUSES.includes(ticket.status)) return null;
  return ticket.status === 'assigned' && ticket.claimedAt === null ? 'response' : 'resolve';
}

/** The due time that matters now: that of the running clock (activePhase). */
export function activeDueAt(ticket: Pick<MachineTicket, 'status' | 'claimedAt' | 'responseDueAt' | 'resolveDueAt'>): Date | null {
  const phase = activePhase(ticket);
  if (phase === null) return null;
  return phase === 'response' ? ticket.responseDueAt : ticket.resolveDueAt;
}

export function isOverdue(ticket: Parameters<typeof activeDueAt>[0], now: Date): boolean {
  const due = activeDueAt(ticket);
  return due !== null && due.getTime() < now.getTime();
}

/** What a resident's (or a proxy's) need is filed with; the service gathers it. */
export interface Filing {
  filedById: string;
  /** The person it is for, when known to us; null when that is the filer or nobody we know. */
  beneficiaryUserId: string | null;
  category: Category;
  /** What the filer asked for; routing may raise it (routing.urgency). */
  requestedUrgency: Urgency;
  /** Filed for someone else (a proxy: 网格员, 楼栋长, a relative). */
  onBehalf: boolean;
  routing: Pick<RoutingResult, 'teamId' | 'assigneeId' | 'reason' | 'flagged' | 'urgency'>;
  timeLimit: TimeLimit;
  now: Date;
}

/**
 * A new ticket: waiting for its team's claim (routing has already picked the team and, if anyone
 * answers for the address or the person, the member), both clocks started now. `created` is the
 * filer's; `routed` is the system's (routing), so it carries no actor.
 */
export function fileTicket(f: Filing): { ticket: MachineTicket; created: DomainEvent; routed: DomainEvent } {
  const { routing } = f;
  return {
    ticket: {
      status: 'assigned',
      teamId: routing.teamId,
      assigneeId: routing.assigneeId,
      filedById: f.filedById,
      beneficiaryUserId: f.beneficiaryUserId,
      claimedAt: null,
      resolvedAt: null,
      closedAt: null,
      ...dueTimes(f.timeLimit, f.now),
      ratingSatisfied: null,
      ratingStars: null,
      ratingComment: null,
      escalationLevel: 0,
    },
    created: {
      type: 'created',
      data: { category: f.category, urgency: routing.urgency, requestedUrgency: f.requestedUrgency, onBehalf: f.onBehalf },
    },
    routed: {
      type: 'assigned',
      data: { teamId: routing.teamId, assigneeId: routing.assigneeId, reason: routing.reason, flagged: routing.flagged },
    },
  };
}

/**
 * 自动完成: a resolved ticket nobody confirmed closes by itself once the quiet period after its
 * resolution is over. Null while that is not so (or it is not resolved).
 */
export function autoClose(ticket: MachineTicket, now: Date, quietMs: number): TicketChange | null {
  if (ticket.status !== 'resolved' || ticket.resolvedAt === null) return null;
  if (ticket.resolvedAt.getTime() + quietMs > now.getTime()) return null;
  return {
    next: { ...ticket, status: 'closed', closedAt: now },
    events: [{ type: 'closed', data: { reason: 'auto', afterHours: Math.round(quietMs / 3600_000) } }],
  };
}

export function transition(
  ticket: MachineTicket,
  input: ActionInput,
  actor: Actor,
  ctx: TransitionContext,
): TransitionResult {
  const rule = TICKET_ACTIONS[input.action];
  if (!mayAct(ticket, actor, input.action)) {
    return { ok: false, error: { code: 'FORBIDDEN', action: input.action } };
  }
  if (!rule.from.includes(ticket.status)) {
    if (input.action === 'claim' && WORKING_STATUSES.includes(ticket.status)) {
      return { ok: false, error: { code: 'ALREADY_CLAIMED', claimedById: ticket.assigneeId } };
    }
    return {
      ok: false,
      error: { code: 'INVALID_TRANSITION', action: input.action, status: ticket.status },
    };
  }
  const { now } = ctx;
  const done = (next: MachineTicket, ...events: DomainEvent[]): TransitionResult => ({
    ok: true,
    next,
    events,
  });

  switch (input.action) {
    case 'claim':
      return done(
        // The first claim is the response; a transferred ticket keeps it (首接负责).
        { ...ticket, status: 'claimed', assigneeId: actor.userId, claimedAt: ticket.claimedAt ?? now },
        { type: 'claimed', data: { teamId: ticket.teamId } },
      );
    case 'start':
      return done({ ...ticket, status: 'in_progress' }, { type: 'started', data: {} });
    case 'note':
      return done(ticket, { type: 'note', data: { text: input.text, attachments: input.attachments } });
    case 'resolve':
      return done(
        { ...ticket, status: 'resolved', resolvedAt: now },
        { type: 'resolved', data: { text: input.text, attachments: input.attachments } },
      );
    case 'transfer':
      if (input.teamId === ticket.teamId) return { ok: false, error: { code: 'SAME_TEAM' } };
      return done(
        { ...ticket, status: 'assigned', teamId: input.teamId, assigneeId: input.assigneeId },
        {
          type: 'transferred',
          data: { fromTeamId: ticket.teamId, toTeamId: input.teamId, reason: input.reason },
        },
      );
    case 'assign':
      return done(
        { ...ticket, assigneeId: input.assigneeId },
        {
          type: 'assigned',
          data: {
            teamId: ticket.teamId,
            assigneeId: input.assigneeId,
            previousAssigneeId: ticket.assigneeId,
          },
        },
      );
    case 'cancel':
      return done({ ...ticket, status: 'cancelled' }, { type: 'cancelled', data: { reason: input.reason } });
    case 'confirm': {
      const rating = {
        ratingSatisfied: input.satisfied,
        ratingStars: input.rating,
        ratingComment: input.comment,
      };
      const confirmed: DomainEvent = {
        type: 'confirmed',
        data: { satisfied: input.satisfied, rating: input.rating, comment: input.comment },
      };
      if (input.satisfied) {
        return done(
          { ...ticket, ...rating, status: 'closed', closedAt: now },
          confirmed,
          { type: 'closed', data: { reason: 'confirmed' } },
        );
      }
      // Not satisfied: back to whoever handled it, with a new resolve clock, and the leader hears.
      const level = Math.max(1, ticket.escalationLevel);
      return done(
        {
          ...ticket,
          ...rating,
          status: 'in_progress',
          resolvedAt: null,
          resolveDueAt: new Date(now.getTime() + ctx.timeLimit.resolveWithinSeconds * 1000),
          escalationLevel: level,
        },
        confirmed,
        { type: 'reopened', data: { reason: 'unsatisfied', comment: input.comment } },
        { type: 'escalated', data: { level, reason: 'unsatisfied' } },
      );
    }
  }
}
