import type { Urgency } from './model.js';
import type { DomainEvent } from './ticket-machine.js';

/** Who hears about what happens to a ticket (the service turns audiences into people). */
export const NOTIFICATION_TYPES = [
  'new_ticket',
  'emergency',
  'assigned',
  'claimed',
  'resolved',
  'closed',
  'cancelled',
  'transferred',
  'reopened',
  'overdue',
  /** A resident says their household's distribution pack never came (to the team's leaders). */
  'distribution_not_received',
  /** A team is asked to take a ticket over (转交), and what came of it. */
  'handoff',
  'handoff_accepted',
  'handoff_declined',
  /** 退单 and 延期 waiting for a secretary, and the ruling to whoever asked. */
  'return_requested',
  'return_approved',
  'return_rejected',
  'extension_requested',
  'extended',
  'extension_rejected',
  /** A resident's ticket was merged into another they now follow. */
  'merged',
  /** Someone filed a request for this person's phone: is it theirs? (to them only, issue 16.2) */
  'beneficiary_invite',
  /** The person a ticket was filed for says it is not theirs (to the team's leaders). */
  'beneficiary_declined',
  /** Every member on duty is at the team's cap: the new ticket waits for the leader to place it. */
  'unassigned',
  /** Claimed, then neither started nor noted within the policy's staleClaimSeconds (to the leader, once). */
  'stale_claim',
  /** A member paused a ticket's resolve clock (暂停计时), with why and until when (to the leader). */
  'paused',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export type Audience =
  /** The filer, the person it is for, and those following it (their tickets were merged into it). */
  | 'residents'
  | 'assignee'
  | 'leaders'
  /** Every active member of the ticket's team. */
  | 'team'
  /** Secretaries of the compound and the community (or village) it is in. */
  | 'area_secretaries'
  /** Secretaries of the subdistrict. */
  | 'subdistrict_secretaries'
  /** Every active member of the team a pending hand-off is offered to. */
  | 'handoff_team'
  /** Whoever asked for what the event answers (its `data.requestedById`). */
  | 'requester'
  /** The account a typed phone matched, asked to accept the ticket as theirs. */
  | 'invited'
  /** People the event names to page (`data.alsoAlert`: a medical emergency's 包保 member and compound leaders). */
  | 'alerted';

export interface NotificationPlan {
  type: NotificationType;
  audiences: Audience[];
}

/** The escalation ladder's audiences, by level. */
const LADDER: Record<number, Audience[]> = {
  1: ['assignee', 'leaders'],
  2: ['area_secretaries'],
  3: ['subdistrict_secretaries'],
};

/**
 * What each event tells whom. Residents hear about claim, resolve and close; members and leaders
 * about new, transferred, overdue and reopened tickets; emergencies reach the leader and the
 * secretaries at once (the green channel).
 */
export function notificationPlan(
  event: DomainEvent,
  ticket: { urgency: Urgency; assigneeId: string | null; claimed: boolean },
): NotificationPlan[] {
  const d = event.data;
  switch (event.type) {
    case 'created':
      return [
        { type: 'new_ticket', audiences: ticket.assigneeId ? ['assignee', 'leaders'] : ['team'] },
        // A repeated emergency (emergencyPaging) does not page again; its team still hears of it.
        ...(ticket.urgency === 'emergency' && d.paged !== false
          ? [{ type: 'emergency' as const, audiences: ['leaders', 'area_secretaries'] as Audience[] }]
          : []),
        ...(d.invited ? [{ type: 'beneficiary_invite' as const, audiences: ['invited'] as Audience[] }] : []),
      ];
    case 'beneficiary_declined':
      return [{ type: 'beneficiary_declined', audiences: ['leaders'] }];
    case 'claimed':
      return [{ type: 'claimed', audiences: ['residents'] }];
    case 'resolved':
      return [{ type: 'resolved', audiences: ['residents'] }];
    case 'closed':
      return [{ type: 'closed', audiences: d.reason === 'confirmed' ? ['assignee'] : ['residents', 'assignee'] }];
    case 'cancelled':
      if (d.mergedInto) return [{ type: 'merged', audiences: ['residents'] }];
      return ticket.claimed ? [{ type: 'cancelled', audiences: ['assignee'] }] : [];
    case 'transferred':
      // Accepted hand-offs tell the one who offered it; the new team hears either way.
      return [
        { type: 'transferred', audiences: ['team'] },
        ...(d.accepted ? [{ type: 'handoff_accepted' as const, audiences: ['requester'] as Audience[] }] : []),
      ];
    case 'handoff_requested':
      return [{ type: 'handoff', audiences: ['handoff_team'] }];
    case 'handoff_declined':
      return [{ type: 'handoff_declined', audiences: ['requester', 'leaders'] }];
    case 'return_requested':
      return [{ type: 'return_requested', audiences: ['area_secretaries'] }];
    case 'return_approved':
      return [
        { type: 'return_approved', audiences: ['requester'] },
        ...(d.toTeamId ? [{ type: 'transferred' as const, audiences: ['team'] as Audience[] }] : []),
      ];
    case 'return_rejected':
      return [{ type: 'return_rejected', audiences: ['requester'] }];
    case 'extension_requested':
      return [{ type: 'extension_requested', audiences: ['area_secretaries'] }];
    case 'extended':
      return [{ type: 'extended', audiences: ['requester'] }];
    case 'extension_rejected':
      return [{ type: 'extension_rejected', audiences: ['requester'] }];
    case 'assigned':
      // A reassignment by the leader (routing's own assignment is told by `created`).
      if (d.previousAssigneeId !== undefined) return [{ type: 'assigned', audiences: ['assignee'] }];
      return [
        ...(d.assignment === 'at_capacity' ? [{ type: 'unassigned' as const, audiences: ['leaders'] as Audience[] }] : []),
        ...(Array.isArray(d.alsoAlert) && d.alsoAlert.length > 0 ? [{ type: 'emergency' as const, audiences: ['alerted'] as Audience[] }] : []),
      ];
    case 'stale_claim':
      return [{ type: 'stale_claim', audiences: ['leaders'] }];
    case 'paused':
      return [{ type: 'paused', audiences: ['leaders'] }];
    case 'reopened':
      return [{ type: 'reopened', audiences: ['assignee', 'leaders'] }];
    case 'escalated':
      if (d.reason === 'overdue') return [{ type: 'overdue', audiences: LADDER[Number(d.level)] ?? [] }];
      // Repeated dissatisfaction reaches the rung it climbed to (level 1 hears it as `reopened`).
      return Number(d.level) >= 2 ? [{ type: 'reopened', audiences: LADDER[Number(d.level)] ?? [] }] : [];
    default:
      return [];
  }
}
