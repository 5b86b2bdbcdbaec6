import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import type { ActionInput, TicketAction } from '@minhu/domain';
import {
  ActionBodies,
  CreateTicketBody,
  ErrorResponses,
  IdempotencyHeaders,
  IdParams,
  ListTicketsQuery,
  Ticket,
  TicketDetail,
  TicketList,
} from '@minhu/contracts';

const tags = ['tickets'];

const ACTION_SUMMARIES: Record<TicketAction, string> = {
  claim: '签收 (本队队员；并发签收只有一人成功，其余 409)',
  start: '开始办理 (签收人或队长)',
  note: '添加办理记录 (签收人、队长、书记)',
  resolve: '办结 (签收人或队长)',
  transfer: '转派到其他服务队 (签收人、队长、书记)',
  assign: '指派给本队队员 (队长、书记)',
  cancel: '取消求助 (提交人，办结前)',
  confirm: '确认办结并评价；不满意则重新办理并督办 (提交人或求助对象)',
};

/** A request body of an action, as the domain's input. */
function actionInput(action: TicketAction, body: Record<string, unknown>): ActionInput {
  switch (action) {
    case 'note':
    case 'resolve':
      return { action, text: body.text as string, attachments: (body.attachments as string[] | undefined) ?? [] };
    case 'transfer':
      return { action, teamId: body.teamId as string, reason: body.reason as string, assigneeId: null };
    case 'assign':
      return { action, assigneeId: body.assigneeId as string };
    case 'cancel':
      return { action, reason: body.reason as string };
    case 'confirm':
      return {
        action,
        satisfied: body.satisfied as boolean,
        rating: body.rating as number,
        comment: (body.comment as string | undefined) ?? null,
      };
    case 'claim':
    case 'start':
      return { action };
  }
}

export default async function ticketsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { tickets } = app.services;

  app.post(
    '/tickets',
    {
      schema: {
        tags,
        summary: '提交求助。同一 Idempotency-Key 重复提交返回同一工单；键相同内容不同则 422',
        headers: IdempotencyHeaders,
        body: CreateTicketBody,
        response: { 200: Ticket, 201: Ticket, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { ticket, created } = await tickets.create(
        request.viewer,
        request.body,
        request.headers['idempotency-key'],
        app.clock(),
      );
      return reply.code(created ? 201 : 200).send(ticket);
    },
  );

  app.get(
    '/tickets',
    {
      schema: {
        tags,
        summary: '工单列表：超时的在前，然后按到期时间',
        querystring: ListTicketsQuery,
        response: { 200: TicketList, ...ErrorResponses },
      },
    },
    async (request) => tickets.list(request.viewer, request.query, app.clock()),
  );

  app.get(
    '/tickets/:id',
    {
      schema: { tags, summary: '工单详情与完整时间线', params: IdParams, response: { 200: TicketDetail, ...ErrorResponses } },
    },
    async (request) => tickets.detail(request.viewer, request.params.id, app.clock()),
  );

  for (const action of Object.keys(ActionBodies) as TicketAction[]) {
    const body = ActionBodies[action];
    app.post(
      `/tickets/:id/${action}`,
      {
        // An action without a body (a bare POST) means `{}`.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags,
          summary: ACTION_SUMMARIES[action],
          params: IdParams,
          body,
          response: { 200: Ticket, ...ErrorResponses },
        },
      },
      async (request) => {
        const input = request.body as Static<typeof body> & { version?: number };
        return tickets.act(request.viewer, request.params.id, actionInput(action, input), input.version, app.clock());
      },
    );
  }
}
