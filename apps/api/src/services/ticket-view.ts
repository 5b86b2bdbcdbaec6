import {
  activeDueAt,
  availableActions,
  isOverdue,
  maskPhone,
  notifyByOf,
  pausedAt,
  relationsOf,
  type Actor,
  type MachineTicket,
  type Relation,
  type TimeLimit,
} from '@minhu/domain';
import type { Ticket } from '@minhu/contracts';
import type { TicketRow, TicketViewRow } from '@minhu/db';

export function machineOf(t: TicketRow): MachineTicket {
  return {
    status: t.status,
    teamId: t.teamId,
    assigneeId: t.assigneeId,
    filedById: t.filedById,
    beneficiaryUserId: t.beneficiaryUserId,
    beneficiaryInvitedId: t.beneficiaryInvitedId,
    claimedAt: t.claimedAt,
    resolvedAt: t.resolvedAt,
    closedAt: t.closedAt,
    responseDueAt: t.responseDueAt,
    resolveDueAt: t.resolveDueAt,
    ratingSatisfied: t.ratingSatisfied,
    ratingStars: t.ratingStars,
    ratingComment: t.ratingComment,
    escalationLevel: t.escalationLevel,
    handoff:
      t.handoffToTeamId === null
        ? null
        : { toTeamId: t.handoffToTeamId, reason: t.handoffReason ?? '', requestedAt: t.handoffRequestedAt!, requestedById: t.handoffRequestedById! },
    handoffCount: t.handoffCount,
    followers: t.followers,
    staleClaimAt: t.staleClaimAt,
    pause:
      t.pausedAt === null ? null : { until: t.pauseUntil!, reason: t.pauseReason ?? '', requestedAt: t.pausedAt, requestedById: t.pausedById! },
    returnRequest:
      t.returnRequestedAt === null ? null : { reason: t.returnReason ?? '', requestedAt: t.returnRequestedAt, requestedById: t.returnRequestedById! },
    extension:
      t.extensionRequestedAt === null
        ? null
        : { until: t.extensionUntil!, reason: t.extensionReason ?? '', requestedAt: t.extensionRequestedAt, requestedById: t.extensionRequestedById! },
    contentHold: t.contentHeldAt === null ? null : { reason: 'risky', requestedAt: t.contentHeldAt, requestedById: t.filedById },
  };
}

/** The time limits a ticket was filed with. */
export const limitOf = (t: Pick<TicketRow, 'claimLimitSeconds' | 'resolveLimitSeconds' | 'staleClaimSeconds'>): TimeLimit => ({
  claimWithinSeconds: t.claimLimitSeconds,
  resolveWithinSeconds: t.resolveLimitSeconds,
  staleClaimSeconds: t.staleClaimSeconds,
});

/** The people who deal with the resident directly, and so see phone numbers in full. */
const CLOSE_RELATIONS: readonly Relation[] = ['filer', 'beneficiary', 'team_member', 'assignee'];

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * Those who work the ticket or oversee it (a team it is offered to included): they see what the
 * register knows of the person it is for; anyone else sees it as a resident.
 */
const WORKING_RELATIONS: readonly Relation[] = ['team_member', 'team_leader', 'assignee', 'handoff_member', 'area_secretary', 'admin'];

/**
 * Whether the viewer sees the ticket only as a resident (its filer or the one it is for). They are
 * not told what the register knows about the person (issue 16.2): whether the phone has an account,
 * whether they are a special person (the urgency raised for it and its shorter time limits), or who
 * answers for them in person. They see what they asked for.
 */
export const seesAsResident = (relations: ReadonlySet<Relation>) => !WORKING_RELATIONS.some((r) => relations.has(r));

/** Whether showing this ticket to a resident needs the time limit of the urgency they chose. */
export const needsRequestedLimit = (t: TicketRow) => t.urgency !== t.requestedUrgency;

/**
 * The due times as the urgency the filer chose would have set them: each clock moved by the
 * difference between that urgency's limit and the one in force (so a reopen's or an extension's
 * new clock moves too).
 */
function asRequested(machine: MachineTicket, t: TicketRow, requested: TimeLimit): MachineTicket {
  const shift = (d: Date, by: number) => new Date(d.getTime() + by * 1000);
  return {
    ...machine,
    responseDueAt: shift(machine.responseDueAt, requested.claimWithinSeconds - t.claimLimitSeconds),
    resolveDueAt: shift(machine.resolveDueAt, requested.resolveWithinSeconds - t.resolveLimitSeconds),
  };
}

/** What held text (issue 16.9) says to those who may not read it yet. */
export const HELD_TEXT = '（内容待队长审核后显示）';

/** Who reads held text: those who may release it. Its author reads their own. */
const RELEASERS: readonly Relation[] = ['team_leader', 'area_secretary', 'admin'];
export const readsHeld = (relations: ReadonlySet<Relation>) => RELEASERS.some((r) => relations.has(r));

/**
 * The ticket as this viewer may see it. Phone numbers are for the people who deal with the
 * resident (filer, beneficiary, the team); secretaries and admins supervising see them masked.
 */
export function ticketView(row: TicketViewRow, actor: Actor, now: Date, requestedLimit?: TimeLimit, ownTickets?: ReadonlySet<string>): Ticket {
  const t = row.ticket;
  const machine = machineOf(t);
  const relations = relationsOf(machine, actor);
  const close = CLOSE_RELATIONS.some((r) => relations.has(r));
  const phone = (p: string | null) => (close ? p : maskPhone(p));
  const resident = seesAsResident(relations);
  const shown = resident && needsRequestedLimit(t) && requestedLimit ? asRequested(machine, t, requestedLimit) : machine;
  // Filed for someone else and not yet claimed: the member routing chose may be the one who
  // answers for that person by name, which would say the register knows them.
  const hideAssignee = resident && !relations.has('beneficiary') && t.beneficiaryName !== null && machine.status === 'assigned';
  const hideWho = resident && !relations.has('beneficiary');
  return {
    id: t.id,
    number: t.number,
    category: t.category,
    urgency: resident ? t.requestedUrgency : t.urgency,
    requestedUrgency: t.requestedUrgency,
    status: machine.status,
    description: machine.contentHold && t.contentCheck === 'risky' && !readsHeld(relations) && !relations.has('filer') ? HELD_TEXT : t.description,
    // For the team and those over it: what WeChat's check said (risky on an emergency: filed, and flagged so).
    ...(resident ? {} : { contentCheck: t.contentCheck }),
    contentHeld: machine.contentHold !== null,
    items: row.items.map((i) => ({ name: i.name, quantity: Number(i.quantity), unit: i.unit, note: i.note })),
    areaId: t.areaId,
    address: t.address,
    controlLevel: t.controlLevel,
    teamId: t.teamId,
    team: t.teamId && row.team ? { id: t.teamId, name: row.team.name, phone: row.team.phone } : null,
    assigneeId: hideAssignee ? null : t.assigneeId,
    assignee: !hideAssignee && t.assigneeId && row.assignee ? { id: t.assigneeId, ...row.assignee } : null,
    filedById: t.filedById,
    filedBy: { id: t.filedById, name: row.filer.name, phone: phone(row.filer.phone) },
    contactName: t.contactName,
    contactPhone: phone(t.contactPhone),
    beneficiary:
      t.beneficiaryName === null
        ? null
        : {
            // Whether the phone has an account is the register's to know, not the filer's.
            userId: hideWho ? null : (t.beneficiaryUserId ?? t.beneficiaryInvitedId),
            personId: hideWho ? null : (t.beneficiaryUserId ?? t.beneficiaryInvitedId),
            // The team knows whether the person still has to say it is theirs.
            ...(resident ? {} : { accepted: t.beneficiaryInvitedId === null }),
            name: t.beneficiaryName,
            phone: phone(t.beneficiaryPhone),
            areaId: t.beneficiaryAreaId,
            // A filer who typed a phone is not told whether it is a special person's, or how they are reached.
            ...(row.beneficiaryPerson && (relations.has('beneficiary') || !resident)
              ? { specialTags: row.beneficiaryPerson.specialTags, notifyBy: notifyByOf(row.beneficiaryPerson) }
              : {}),
          },
    attachments: t.attachments,
    routeReason: t.routeReason,
    flagged: t.flagged,
    callBack: t.callBack,
    createdAt: t.createdAt.toISOString(),
    claimedAt: iso(t.claimedAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
    responseDueAt: shown.responseDueAt.toISOString(),
    resolveDueAt: shown.resolveDueAt.toISOString(),
    dueAt: shown === machine ? iso(t.dueAt) : iso(activeDueAt(shown)),
    overdue: isOverdue(shown, now),
    version: t.version,
    rating: t.ratingStars,
    satisfied: t.ratingSatisfied,
    ratingComment: t.ratingComment,
    handoff: machine.handoff && {
      toTeamId: machine.handoff.toTeamId,
      reason: machine.handoff.reason,
      requestedAt: machine.handoff.requestedAt.toISOString(),
      requestedById: machine.handoff.requestedById,
    },
    handoffCount: machine.handoffCount,
    // Another open ticket for the same person is the team's to know: to a resident it would say
    // that someone else asked for that person (and which ticket), issue 16.2. Their own they see.
    possibleDuplicateOf: resident ? t.possibleDuplicateOf.filter((id) => ownTickets?.has(id)) : t.possibleDuplicateOf,
    returnRequest: machine.returnRequest && {
      reason: machine.returnRequest.reason,
      requestedAt: machine.returnRequest.requestedAt.toISOString(),
      requestedById: machine.returnRequest.requestedById,
    },
    extension: machine.extension && {
      until: machine.extension.until.toISOString(),
      reason: machine.extension.reason,
      requestedAt: machine.extension.requestedAt.toISOString(),
      requestedById: machine.extension.requestedById,
    },
    // A pause shows while it lasts (one whose end has passed is over by itself).
    pause: machine.pause && pausedAt(machine, now)
      ? {
          until: machine.pause.until.toISOString(),
          reason: machine.pause.reason,
          requestedAt: machine.pause.requestedAt.toISOString(),
          requestedById: machine.pause.requestedById,
        }
      : null,
    actions: availableActions(machine, actor, now),
  };
}
