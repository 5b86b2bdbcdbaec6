import type { FastifyInstance } from 'fastify';
import type { ActionInput, ConfirmMethod, NoteKind, TicketAction } from '@minhu/domain';
import type { Viewer } from '../services/viewer.js';
import { serve } from './serve.js';

/** A request body of an action (validated by its schema), as the domain's input. */
function actionInput(action: TicketAction, body: Record<string, unknown>): ActionInput {
  switch (action) {
    case 'note':
      return {
        action,
        text: body.text as string,
        attachments: (body.attachments as string[] | undefined) ?? [],
        ...(body.kind ? { kind: body.kind as NoteKind } : {}),
      };
    case 'resolve':
      return { action, text: body.text as string, attachments: (body.attachments as string[] | undefined) ?? [] };
    case 'transfer':
      // Whether the caller oversees the target team is the service's to find out.
      return { action, teamId: body.teamId as string, reason: body.reason as string, assigneeId: null, targetInScope: false };
    case 'declineHandoff':
    case 'return':
    case 'rejectReturn':
    case 'rejectExtension':
      return { action, reason: body.reason as string };
    case 'approveReturn':
      // Without a team, the service routes it again.
      return { action, teamId: (body.teamId as string | undefined) ?? null, assigneeId: null };
    case 'merge':
      // What the ticket that stays is, the service reads.
      return { action, into: { id: body.intoTicketId as string, status: 'assigned', teamId: null } };
    case 'extend':
      return { action, until: new Date(body.until as string), reason: body.reason as string };
    case 'pause':
      return { action, until: new Date(body.until as string), reason: body.reason as string };
    case 'assign':
      return { action, assigneeId: body.assigneeId as string };
    case 'cancel':
      return { action, reason: body.reason as string };
    case 'confirm':
    case 'confirmOnBehalf': {
      const rating = { satisfied: body.satisfied as boolean, rating: body.rating as number, comment: (body.comment as string | undefined) ?? null };
      // With a method it is the member's 回访 for someone without the app (whether they have it,
      // the service reads).
      const method = body.method as ConfirmMethod | undefined;
      return method ? { action: 'confirmOnBehalf', ...rating, method, beneficiaryHasApp: true } : { action: 'confirm', ...rating };
    }
    case 'claim':
    case 'start':
    case 'acceptHandoff':
    case 'approveExtension':
    case 'acceptBeneficiary':
    case 'declineBeneficiary':
    case 'releaseContent':
    case 'resume':
      return { action };
  }
}

export default async function ticketsRoutes(app: FastifyInstance) {
  const { tickets } = app.services;

  /** `POST /tickets/:id/<action>`: the domain decides; the reply is the ticket as it is now. */
  const act =
    (action: TicketAction) =>
    async (request: { viewer: Viewer; params: { id: string }; body: unknown }) => {
      const body = request.body as Record<string, unknown> & { version?: number };
      return tickets.act(request.viewer, request.params.id, actionInput(action, body), body.version, app.clock());
    };

  serve(app, {
    createTicket: async (request, reply) => {
      const { ticket, created } = await tickets.create(request.viewer, request.body, request.headers['idempotency-key'], app.clock());
      return reply.code(created ? 201 : 200).send(ticket);
    },
    listTickets: async (request) => tickets.list(request.viewer, request.query, app.clock()),
    countTickets: async (request) => tickets.counts(request.viewer, app.clock()),
    getTicket: async (request) => tickets.detail(request.viewer, request.params.id, app.clock()),
    claimTicket: act('claim'),
    startTicket: act('start'),
    noteTicket: act('note'),
    resolveTicket: act('resolve'),
    transferTicket: act('transfer'),
    acceptHandoffTicket: act('acceptHandoff'),
    declineHandoffTicket: act('declineHandoff'),
    returnTicket: act('return'),
    approveReturnTicket: act('approveReturn'),
    rejectReturnTicket: act('rejectReturn'),
    extendTicket: act('extend'),
    approveExtensionTicket: act('approveExtension'),
    pauseTicket: act('pause'),
    resumeTicket: act('resume'),
    rejectExtensionTicket: act('rejectExtension'),
    mergeTicket: act('merge'),
    assignTicket: act('assign'),
    acceptBeneficiaryTicket: act('acceptBeneficiary'),
    declineBeneficiaryTicket: act('declineBeneficiary'),
    releaseContentTicket: act('releaseContent'),
    cancelTicket: act('cancel'),
    confirmTicket: act('confirm'),
  });
}
