import { TICKET_STATUSES, type Category, type EventType, type TeamRole, type TicketStatus, type Urgency } from './model.js';
import type { RoutingResult } from './routing.js';
import { dueTimes, staleClaimSecondsOf, type TimeLimit } from './time-limits.js';
// A cycle (escalation reads the machine's clocks), safe: both use the other only when called.
import { TOP_ESCALATION_LEVEL } from './escalation.js';

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
  | 'acceptHandoff'
  | 'declineHandoff'
  | 'return'
  | 'approveReturn'
  | 'rejectReturn'
  | 'extend'
  | 'approveExtension'
  | 'rejectExtension'
  | 'pause'
  | 'resume'
  | 'merge'
  | 'assign'
  | 'cancel'
  | 'confirm'
  /** 回访: the assignee or leader records the confirmation of someone without the app, by phone or visit. */
  | 'confirmOnBehalf'
  | 'acceptBeneficiary'
  | 'declineBeneficiary'
  | 'releaseContent';

/** Kinds of notes beyond a plain one: a member's phone call to the person (电话记录). */
export const NOTE_KINDS = ['call'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** How a member asked for the confirmation (回访方式) of someone without the app. */
export const CONFIRM_METHODS = ['phone', 'visit'] as const;
export type ConfirmMethod = (typeof CONFIRM_METHODS)[number];

/** How a person stands to a ticket. A person may have several relations at once. */
export type Relation =
  | 'filer'
  | 'beneficiary'
  /**
   * The one a ticket was filed for by phone, who has the app and has not yet said it is theirs
   * (issue 16.2): they see it to answer, and nothing more until they accept.
   */
  | 'invited'
  /** Filer or beneficiary of a ticket merged into this one: they see it and hear of it. */
  | 'follower'
  | 'team_member'
  | 'team_leader'
  | 'assignee'
  /** A member (or leader) of the team a pending hand-off is offered to. */
  | 'handoff_member'
  | 'area_secretary'
  | 'admin';

/** The requests a ticket may have waiting for someone's answer (one of each at a time). */
export type PendingRequest = 'handoff' | 'returnRequest' | 'extension' | 'contentHold' | 'pause';

interface ActionRule {
  from: readonly TicketStatus[];
  by: readonly Relation[];
  /** Answers this pending request: without one there is nothing to answer (409). */
  answers?: PendingRequest;
}

/** A ticket already handed across this many times moves only by a secretary's (or admin's) hand. */
export const MAX_HANDOFFS = 3;
/** The furthest an extension may reach, from the moment it is asked for. */
export const MAX_EXTENSION_MS = 30 * 24 * 3600_000;
/** The longest a resolve clock may be paused at once (waiting for the resident, a hospital's answer). */
export const MAX_PAUSE_MS = 72 * 3600_000;

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
  // 首接负责: the assignee or leader offers it to another team (it stays theirs until accepted);
  // a secretary covering both teams, or an admin, moves it at once.
  transfer: { from: OPEN_STATUSES, by: ['assignee', 'team_leader', 'area_secretary', 'admin'] },
  acceptHandoff: { from: OPEN_STATUSES, by: ['handoff_member'], answers: 'handoff' },
  declineHandoff: { from: OPEN_STATUSES, by: ['handoff_member'], answers: 'handoff' },
  // 退单: the team gives it back with a reason; a secretary of the area rules on it.
  return: { from: OPEN_STATUSES, by: ['assignee', 'team_leader'] },
  approveReturn: { from: OPEN_STATUSES, by: ['area_secretary', 'admin'], answers: 'returnRequest' },
  rejectReturn: { from: OPEN_STATUSES, by: ['area_secretary', 'admin'], answers: 'returnRequest' },
  // 延期: more time to resolve, with a reason; a secretary of the area grants it or not.
  extend: { from: OPEN_STATUSES, by: ['assignee', 'team_leader'] },
  approveExtension: { from: OPEN_STATUSES, by: ['area_secretary', 'admin'], answers: 'extension' },
  rejectExtension: { from: OPEN_STATUSES, by: ['area_secretary', 'admin'], answers: 'extension' },
  // 暂停计时: the one working it (or the leader) stops the resolve clock until a time, with a
  // reason (the resident is away, a hospital has not answered); resumed early, the rest is given back.
  pause: { from: WORKING_STATUSES, by: ['assignee', 'team_leader'] },
  resume: { from: OPEN_STATUSES, by: ['assignee', 'team_leader'], answers: 'pause' },
  // 合并: a member of the team of both tickets folds a duplicate into the one that stays.
  merge: { from: OPEN_STATUSES, by: ['team_member'] },
  // Reassigning within the team (the leader's job; a secretary may step in).
  assign: { from: OPEN_STATUSES, by: ['team_leader', 'area_secretary', 'admin'] },
  cancel: { from: OPEN_STATUSES, by: ['filer'] },
  confirm: { from: ['resolved'], by: ['filer', 'beneficiary'] },
  // Only for a person who cannot confirm in the app themself (the domain refuses it otherwise).
  confirmOnBehalf: { from: ['resolved'], by: ['assignee', 'team_leader'] },
  // Someone filed for this person's phone: it is theirs (in their list, their notifications) only once they say so.
  acceptBeneficiary: { from: [...OPEN_STATUSES, 'resolved', 'closed'], by: ['invited'] },
  declineBeneficiary: { from: [...OPEN_STATUSES, 'resolved', 'closed'], by: ['invited'] },
  // 内容安全: text WeChat's check called risky waits for the team's leader (or a secretary, an admin) to release it.
  releaseContent: { from: [...OPEN_STATUSES, 'resolved', 'closed', 'cancelled'], by: ['team_leader', 'area_secretary', 'admin'], answers: 'contentHold' },
};

export interface MachineTicket {
  status: TicketStatus;
  teamId: string | null;
  assigneeId: string | null;
  filedById: string;
  beneficiaryUserId: string | null;
  /**
   * The account a phone typed by a proxy filer matched, asked to accept the ticket as theirs:
   * until then beneficiaryUserId stays null (not in their list, no notifications).
   */
  beneficiaryInvitedId: string | null;
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
  /** A hand-off offered to another team and not yet answered. */
  handoff: Handoff | null;
  /** How many times it has moved to another team. */
  handoffCount: number;
  /** A 退单 waiting for a secretary's ruling. */
  returnRequest: Request | null;
  /** A 延期 waiting for a secretary's ruling. */
  extension: (Request & { until: Date }) | null;
  /**
   * 暂停计时: the resolve clock stopped from `requestedAt` until `until` (resolveDueAt already moved
   * by that span, so the sweep, the overdue flag and the rates need nothing else); until resumed.
   */
  pause: (Request & { until: Date }) | null;
  /** Filers and beneficiaries of tickets merged into this one. */
  followers: readonly string[];
  /**
   * When the leader hears that the claim sits unworked (stale_claim): set by a claim, cleared by
   * starting, the assignee's note, or anything that ends the claim; told once, by the sweep.
   */
  staleClaimAt: Date | null;
  /**
   * Its text (the description, or a note) that WeChat's content check called risky, shown to
   * nobody but its author and those who may release it until they do (issue 16.9).
   */
  contentHold: Request | null;
}

/** Who asked for something, when and why. */
export interface Request {
  reason: string;
  requestedAt: Date;
  requestedById: string;
}

export interface Handoff extends Request {
  toTeamId: string;
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
  /** `kind`: a member's call to the person (`call`), else a plain note. */
  | { action: 'note'; text: string; attachments: string[]; kind?: NoteKind }
  | { action: 'resolve'; text: string; attachments: string[] }
  /**
   * `targetInScope`: whether the actor oversees the target team's area as a secretary (the
   * caller works it out): then, with the ticket in their area too, it moves at once.
   */
  | { action: 'transfer'; teamId: string; reason: string; assigneeId: string | null; targetInScope: boolean }
  | { action: 'acceptHandoff' }
  | { action: 'declineHandoff'; reason: string }
  | { action: 'return'; reason: string }
  /** `teamId`: the team it goes to (the secretary's choice, or routing's without the returning team); null: nobody, flagged. */
  | { action: 'approveReturn'; teamId: string | null; assigneeId: string | null }
  | { action: 'rejectReturn'; reason: string }
  | { action: 'extend'; until: Date; reason: string }
  | { action: 'approveExtension' }
  | { action: 'rejectExtension'; reason: string }
  | { action: 'pause'; until: Date; reason: string }
  | { action: 'resume' }
  /** `into`: the ticket that stays, as the service read it. */
  | { action: 'merge'; into: { id: string; status: TicketStatus; teamId: string | null } }
  | { action: 'assign'; assigneeId: string }
  | { action: 'cancel'; reason: string }
  | { action: 'confirm'; satisfied: boolean; rating: number; comment: string | null }
  /**
   * `beneficiaryHasApp`: whether the person it is for uses the app and so confirms themself (the
   * caller works it out).
   */
  | {
      action: 'confirmOnBehalf';
      satisfied: boolean;
      rating: number;
      comment: string | null;
      method: ConfirmMethod;
      beneficiaryHasApp: boolean;
    }
  | { action: 'acceptBeneficiary' }
  | { action: 'declineBeneficiary' }
  | { action: 'releaseContent' };

export interface DomainEvent {
  type: EventType;
  data: Record<string, unknown>;
}

export type TransitionError =
  | { code: 'FORBIDDEN'; action: TicketAction }
  | { code: 'INVALID_TRANSITION'; action: TicketAction; status: TicketStatus }
  | { code: 'ALREADY_CLAIMED'; claimedById: string | null }
  | { code: 'SAME_TEAM' }
  /** There is already one waiting (a hand-off, a return, an extension). */
  | { code: 'REQUEST_PENDING'; request: PendingRequest }
  /** Nothing waits for this answer. */
  | { code: 'NO_REQUEST'; request: PendingRequest }
  | { code: 'HANDOFF_LIMIT' }
  /** A secretary may move a ticket only to a team of their own area. */
  | { code: 'TEAM_OUT_OF_SCOPE' }
  /** Nobody rules on their own request. */
  | { code: 'OWN_REQUEST' }
  | { code: 'INVALID_EXTENSION'; reason: 'past' | 'too_far' }
  | { code: 'INVALID_PAUSE'; reason: 'past' | 'too_far' }
  /** The ticket to merge into is finished. */
  | { code: 'MERGE_TARGET_CLOSED' }
  /** 回访 on someone's behalf, while they use the app and confirm themself. */
  | { code: 'CONFIRMS_THEMSELF' };

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
  if (ticket.beneficiaryInvitedId !== null && ticket.beneficiaryInvitedId === actor.userId) relations.add('invited');
  if (ticket.followers.includes(actor.userId)) relations.add('follower');
  const teamRole = ticket.teamId === null ? undefined : actor.teamRoles.get(ticket.teamId);
  if (teamRole) relations.add('team_member');
  if (teamRole === 'leader') relations.add('team_leader');
  // The claimer once claimed; before that, the member routing suggested (the responsible one).
  if (ticket.assigneeId !== null && ticket.assigneeId === actor.userId) relations.add('assignee');
  if (ticket.handoff && actor.teamRoles.has(ticket.handoff.toTeamId)) relations.add('handoff_member');
  if (actor.inAreaScope) relations.add('area_secretary');
  if (actor.isAdmin) relations.add('admin');
  return relations;
}

export function mayAct(ticket: MachineTicket, actor: Actor, action: TicketAction): boolean {
  const relations = relationsOf(ticket, actor);
  return TICKET_ACTIONS[action].by.some((r) => relations.has(r));
}

/** Whether the request an action answers is there to answer. */
function answerable(ticket: MachineTicket, rule: ActionRule): boolean {
  return rule.answers === undefined || ticket[rule.answers] !== null;
}

/**
 * The actions this person could take on the ticket now (for the UI's buttons): allowed from its
 * status, for them, with the request it answers waiting, and not a request of a kind already
 * waiting (nor a hand-off after three, unless they may move it at once).
 */
export function availableActions(ticket: MachineTicket, actor: Actor, now: Date): TicketAction[] {
  return (Object.keys(TICKET_ACTIONS) as TicketAction[]).filter((action) => {
    const rule = TICKET_ACTIONS[action];
    if (!rule.from.includes(ticket.status) || !mayAct(ticket, actor, action) || !answerable(ticket, rule)) return false;
    if (action === 'claim') return ticket.handoff === null;
    if (action === 'return') return ticket.returnRequest === null;
    if (action === 'extend') return ticket.extension === null;
    if (action === 'pause') return !pausedAt(ticket, now);
    if (action === 'resume') return pausedAt(ticket, now);
    if (action === 'transfer') {
      const relations = relationsOf(ticket, actor);
      const mover = relations.has('admin') || relations.has('area_secretary');
      return mover || (ticket.handoff === null && ticket.handoffCount < MAX_HANDOFFS);
    }
    return true;
  });
}

/** Whether the resolve clock is paused at `now` (a pause whose end has passed is over by itself). */
export function pausedAt(ticket: Pick<MachineTicket, 'pause'>, now: Date): boolean {
  return ticket.pause !== null && ticket.pause.until.getTime() > now.getTime();
}

/**
 * The ticket with its pause over at `now`: the part of the pause not used is taken back from the
 * resolve due time (resumed early, or resolved while paused: the clock only stood still as long as
 * it was paused).
 */
function unpaused(ticket: MachineTicket, now: Date): MachineTicket {
  if (ticket.pause === null) return ticket;
  const left = Math.max(0, ticket.pause.until.getTime() - now.getTime());
  return { ...ticket, pause: null, resolveDueAt: new Date(ticket.resolveDueAt.getTime() - left) };
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
  /** The account a typed phone matched, who has the app: asked to accept instead (then beneficiaryUserId is null). */
  beneficiaryInvitedId?: string | null;
  /** WeChat's content check called the description risky (never held for an emergency: the caller decides). */
  contentHeld?: boolean;
  category: Category;
  /** What the filer asked for; routing may raise it (routing.urgency). */
  requestedUrgency: Urgency;
  /** Filed for someone else (a proxy: 网格员, 楼栋长, a relative). */
  onBehalf: boolean;
  routing: Pick<RoutingResult, 'teamId' | 'assigneeId' | 'reason' | 'flagged' | 'urgency'> & Partial<Pick<RoutingResult, 'assignment' | 'alsoAlert'>>;
  timeLimit: TimeLimit;
  now: Date;
  /**
   * An emergency that does not page the leader and secretaries again (the filer's earlier ones in
   * the paging window did, see emergencyPaging): the open one it joins, by number.
   */
  repeatOf?: string | null;
}

/**
 * Whether a new emergency pages the leader and the secretaries: the filer's emergencies filed in
 * the window (newest first) already paged `max` times, and then it joins the open one (its
 * alerts) instead. A flood of emergencies is still filed, every one, but pages at most `max` times.
 */
export function emergencyPaging(recent: readonly { number: string; open: boolean }[], max: number): { pages: true } | { pages: false; repeatOf: string | null } {
  if (recent.length < max) return { pages: true };
  return { pages: false, repeatOf: recent.find((t) => t.open)?.number ?? null };
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
      beneficiaryInvitedId: f.beneficiaryInvitedId ?? null,
      claimedAt: null,
      resolvedAt: null,
      closedAt: null,
      ...dueTimes(f.timeLimit, f.now),
      ratingSatisfied: null,
      ratingStars: null,
      ratingComment: null,
      escalationLevel: 0,
      handoff: null,
      handoffCount: 0,
      returnRequest: null,
      extension: null,
      pause: null,
      followers: [],
      staleClaimAt: null,
      contentHold: f.contentHeld ? { reason: 'risky', requestedAt: f.now, requestedById: f.filedById } : null,
    },
    created: {
      type: 'created',
      data: {
        category: f.category,
        urgency: routing.urgency,
        requestedUrgency: f.requestedUrgency,
        onBehalf: f.onBehalf,
        ...(f.beneficiaryInvitedId ? { invited: true } : {}),
        ...(f.repeatOf !== undefined ? { paged: false, repeatOf: f.repeatOf } : {}),
      },
    },
    routed: {
      type: 'assigned',
      data: {
        teamId: routing.teamId,
        assigneeId: routing.assigneeId,
        reason: routing.reason,
        flagged: routing.flagged,
        ...(routing.assignment ? { assignment: routing.assignment } : {}),
        ...(routing.alsoAlert && routing.alsoAlert.length > 0 ? { alsoAlert: routing.alsoAlert } : {}),
      },
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
  // An answer that came too late (another accepted or ruled first) is told so, to anyone who
  // still sees the ticket, rather than that they may not answer what is no longer asked.
  if (!answerable(ticket, rule) && relationsOf(ticket, actor).size > 0) {
    return { ok: false, error: { code: 'NO_REQUEST', request: rule.answers! } };
  }
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
  const refused = (error: TransitionError): TransitionResult => ({ ok: false, error });
  const asked = (reason: string): Request => ({ reason, requestedAt: now, requestedById: actor.userId });
  // A finished ticket has nothing left to hand over, give back or extend.
  const settled = { handoff: null, returnRequest: null, extension: null, pause: null };
  // Only a claim nobody has started on can go stale.
  const done = (next: MachineTicket, ...events: DomainEvent[]): TransitionResult => ({
    ok: true,
    next: next.status === 'claimed' ? next : { ...next, staleClaimAt: null },
    events,
  });
  const staleAfterClaim = new Date(now.getTime() + staleClaimSecondsOf(ctx.timeLimit) * 1000);

  switch (input.action) {
    case 'claim':
      // While another team is asked to take it, nobody claims it from under the offer.
      if (ticket.handoff) return refused({ code: 'REQUEST_PENDING', request: 'handoff' });
      return done(
        // The first claim is the response; a transferred ticket keeps it (首接负责).
        { ...ticket, status: 'claimed', assigneeId: actor.userId, claimedAt: ticket.claimedAt ?? now, staleClaimAt: staleAfterClaim },
        { type: 'claimed', data: { teamId: ticket.teamId } },
      );
    case 'start':
      return done({ ...ticket, status: 'in_progress' }, { type: 'started', data: {} });
    case 'note':
      // The one who claimed it writing down what they did (or that they called) is work on it; a supervisor's note is not.
      return done(
        ticket.assigneeId === actor.userId ? { ...ticket, staleClaimAt: null } : ticket,
        { type: 'note', data: { text: input.text, attachments: input.attachments, ...(input.kind ? { kind: input.kind } : {}) } },
      );
    case 'resolve':
      return done(
        { ...unpaused(ticket, now), ...settled, status: 'resolved', resolvedAt: now },
        { type: 'resolved', data: { text: input.text, attachments: input.attachments } },
      );
    case 'transfer': {
      if (input.teamId === ticket.teamId) return refused({ code: 'SAME_TEAM' });
      const relations = relationsOf(ticket, actor);
      const transferred: DomainEvent = {
        type: 'transferred',
        data: { fromTeamId: ticket.teamId, toTeamId: input.teamId, reason: input.reason },
      };
      // A secretary over both teams (or an admin) moves it at once, whatever was pending.
      if (relations.has('admin') || (relations.has('area_secretary') && input.targetInScope)) {
        return done(
          { ...ticket, status: 'assigned', teamId: input.teamId, assigneeId: input.assigneeId, handoff: null, handoffCount: ticket.handoffCount + 1 },
          transferred,
        );
      }
      if (!relations.has('assignee') && !relations.has('team_leader')) return refused({ code: 'TEAM_OUT_OF_SCOPE' });
      if (ticket.handoff) return refused({ code: 'REQUEST_PENDING', request: 'handoff' });
      if (ticket.handoffCount >= MAX_HANDOFFS) return refused({ code: 'HANDOFF_LIMIT' });
      // 首接负责: it stays in this team's queue, on this team's clock, until the other accepts.
      return done(
        { ...ticket, handoff: { ...asked(input.reason), toTeamId: input.teamId } },
        { type: 'handoff_requested', data: { fromTeamId: ticket.teamId, toTeamId: input.teamId, reason: input.reason } },
      );
    }
    case 'acceptHandoff': {
      const handoff = ticket.handoff!;
      // Accepting is signing for it: the accepter holds it, on the first clock (the first claim stands).
      return done(
        {
          ...ticket,
          status: 'claimed',
          teamId: handoff.toTeamId,
          assigneeId: actor.userId,
          claimedAt: ticket.claimedAt ?? now,
          handoff: null,
          handoffCount: ticket.handoffCount + 1,
          staleClaimAt: staleAfterClaim,
        },
        {
          type: 'transferred',
          data: { fromTeamId: ticket.teamId, toTeamId: handoff.toTeamId, reason: handoff.reason, requestedById: handoff.requestedById, accepted: true },
        },
        { type: 'claimed', data: { teamId: handoff.toTeamId } },
      );
    }
    case 'declineHandoff': {
      const handoff = ticket.handoff!;
      return done(
        { ...ticket, handoff: null },
        { type: 'handoff_declined', data: { toTeamId: handoff.toTeamId, reason: input.reason, requestedById: handoff.requestedById } },
      );
    }
    case 'return':
      if (ticket.returnRequest) return refused({ code: 'REQUEST_PENDING', request: 'returnRequest' });
      return done(
        { ...ticket, returnRequest: asked(input.reason) },
        { type: 'return_requested', data: { teamId: ticket.teamId, reason: input.reason } },
      );
    case 'approveReturn': {
      const request = ticket.returnRequest!;
      if (request.requestedById === actor.userId) return refused({ code: 'OWN_REQUEST' });
      // Back to waiting for a claim, in the team it goes to, on the first clock.
      return done(
        { ...unpaused(ticket, now), status: 'assigned', teamId: input.teamId, assigneeId: input.assigneeId, ...settled },
        {
          type: 'return_approved',
          data: { fromTeamId: ticket.teamId, toTeamId: input.teamId, reason: request.reason, requestedById: request.requestedById },
        },
      );
    }
    case 'rejectReturn': {
      const request = ticket.returnRequest!;
      if (request.requestedById === actor.userId) return refused({ code: 'OWN_REQUEST' });
      return done(
        { ...ticket, returnRequest: null },
        { type: 'return_rejected', data: { reason: input.reason, requestedReason: request.reason, requestedById: request.requestedById } },
      );
    }
    case 'extend': {
      if (ticket.extension) return refused({ code: 'REQUEST_PENDING', request: 'extension' });
      const until = input.until.getTime();
      if (until <= now.getTime() || until <= ticket.resolveDueAt.getTime()) return refused({ code: 'INVALID_EXTENSION', reason: 'past' });
      if (until > now.getTime() + MAX_EXTENSION_MS) return refused({ code: 'INVALID_EXTENSION', reason: 'too_far' });
      return done(
        { ...ticket, extension: { ...asked(input.reason), until: input.until } },
        { type: 'extension_requested', data: { until: input.until.toISOString(), reason: input.reason, dueAt: ticket.resolveDueAt.toISOString() } },
      );
    }
    case 'approveExtension': {
      const extension = ticket.extension!;
      if (extension.requestedById === actor.userId) return refused({ code: 'OWN_REQUEST' });
      // The resolve clock now ends where the extension says: the sweep, the overdue flag and the
      // rates all read resolveDueAt.
      return done(
        { ...ticket, resolveDueAt: extension.until, extension: null },
        {
          type: 'extended',
          data: {
            until: extension.until.toISOString(),
            previousDueAt: ticket.resolveDueAt.toISOString(),
            reason: extension.reason,
            requestedById: extension.requestedById,
          },
        },
      );
    }
    case 'rejectExtension': {
      const extension = ticket.extension!;
      if (extension.requestedById === actor.userId) return refused({ code: 'OWN_REQUEST' });
      return done(
        { ...ticket, extension: null },
        { type: 'extension_rejected', data: { reason: input.reason, until: extension.until.toISOString(), requestedById: extension.requestedById } },
      );
    }
    case 'pause': {
      if (pausedAt(ticket, now)) return refused({ code: 'REQUEST_PENDING', request: 'pause' });
      const until = input.until.getTime();
      if (until <= now.getTime()) return refused({ code: 'INVALID_PAUSE', reason: 'past' });
      if (until > now.getTime() + MAX_PAUSE_MS) return refused({ code: 'INVALID_PAUSE', reason: 'too_far' });
      // The clock stands still for the pause: the resolve due time moves by its length at once.
      const resolveDueAt = new Date(ticket.resolveDueAt.getTime() + (until - now.getTime()));
      return done(
        { ...ticket, pause: { ...asked(input.reason), until: input.until }, resolveDueAt, staleClaimAt: null },
        {
          type: 'paused',
          data: { until: input.until.toISOString(), reason: input.reason, previousDueAt: ticket.resolveDueAt.toISOString(), dueAt: resolveDueAt.toISOString() },
        },
      );
    }
    case 'resume': {
      const pause = ticket.pause!;
      const next = unpaused(ticket, now);
      const stoodStillMs = Math.min(now.getTime(), pause.until.getTime()) - pause.requestedAt.getTime();
      return done(next, {
        type: 'resumed',
        data: { pausedSeconds: Math.max(0, Math.round(stoodStillMs / 1000)), reason: pause.reason, dueAt: next.resolveDueAt.toISOString() },
      });
    }
    case 'merge': {
      if (!OPEN_STATUSES.includes(input.into.status)) return refused({ code: 'MERGE_TARGET_CLOSED' });
      // Only within teams the member is in: the one that stays must be her team's too.
      if (input.into.teamId === null || !actor.teamRoles.has(input.into.teamId)) return refused({ code: 'TEAM_OUT_OF_SCOPE' });
      return done(
        { ...ticket, ...settled, status: 'cancelled' },
        { type: 'cancelled', data: { reason: 'merged', mergedInto: input.into.id } },
      );
    }
    case 'assign':
      return done(
        // A claim passed to someone else gives them the same time to start on it.
        { ...ticket, assigneeId: input.assigneeId, ...(ticket.status === 'claimed' ? { staleClaimAt: staleAfterClaim } : {}) },
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
      return done({ ...ticket, ...settled, status: 'cancelled' }, { type: 'cancelled', data: { reason: input.reason } });
    case 'confirmOnBehalf':
    case 'confirm': {
      if (input.action === 'confirmOnBehalf' && input.beneficiaryHasApp) return refused({ code: 'CONFIRMS_THEMSELF' });
      const rating = {
        ratingSatisfied: input.satisfied,
        ratingStars: input.rating,
        ratingComment: input.comment,
      };
      const confirmed: DomainEvent = {
        type: 'confirmed',
        data: {
          satisfied: input.satisfied,
          rating: input.rating,
          comment: input.comment,
          ...(input.action === 'confirmOnBehalf' ? { method: input.method, onBehalf: true } : {}),
        },
      };
      if (input.satisfied) {
        return done(
          { ...ticket, ...rating, status: 'closed', closedAt: now },
          confirmed,
          { type: 'closed', data: { reason: 'confirmed' } },
        );
      }
      // Not satisfied: back to whoever handled it, with a new resolve clock, and the leader hears;
      // not satisfied again (it was rated so before), one level further up each time.
      const level =
        ticket.ratingSatisfied === false ? Math.min(TOP_ESCALATION_LEVEL, ticket.escalationLevel + 1) : Math.max(1, ticket.escalationLevel);
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
    case 'acceptBeneficiary':
      // From now on it is theirs: in their list, their notifications, theirs to confirm.
      return done({ ...ticket, beneficiaryUserId: actor.userId, beneficiaryInvitedId: null }, { type: 'beneficiary_accepted', data: {} });
    case 'declineBeneficiary':
      // Not theirs: they see it no more; the team still has the need as filed, and hears.
      return done({ ...ticket, beneficiaryInvitedId: null }, { type: 'beneficiary_declined', data: {} });
    case 'releaseContent':
      return done({ ...ticket, contentHold: null }, { type: 'content_released', data: { heldAt: ticket.contentHold!.requestedAt.toISOString() } });
  }
}
