import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  DailySeries,
  ErrorResponses,
  IdParams,
  MarkReadBody,
  MemberLoad,
  MetricsQuery,
  MetricsSummary,
  NotificationList,
  NotificationsQuery,
  PolicyList,
  PutPoliciesBody,
} from '@minhu/contracts';

export default async function monitoringRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { policies, notifications, metrics } = app.services;

  app.get(
    '/sla-policies',
    { schema: { tags: ['monitoring'], summary: '现行时限 (未设置时为默认时限)', response: { 200: PolicyList, ...ErrorResponses } } },
    async () => policies.list(),
  );
  app.put(
    '/sla-policies',
    {
      schema: {
        tags: ['monitoring'],
        summary: '替换全部时限 (管理员)；每个类别×紧急程度都须有不分管控级别的一条；只影响此后提交的工单',
        body: PutPoliciesBody,
        response: { 200: PolicyList, ...ErrorResponses },
      },
    },
    async (request) => policies.replace(request.viewer, request.body, app.clock()),
  );

  app.get(
    '/notifications',
    {
      schema: { tags: ['notifications'], summary: '我的消息，最新的在前', querystring: NotificationsQuery, response: { 200: NotificationList, ...ErrorResponses } },
    },
    async (request) => notifications.inbox(request.viewer, request.query),
  );
  const Updated = Type.Object({ updated: Type.Integer() });
  app.post(
    '/notifications/read',
    {
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { tags: ['notifications'], summary: '标为已读 (不传 ids 则全部已读)', body: MarkReadBody, response: { 200: Updated, ...ErrorResponses } },
    },
    async (request) => notifications.markRead(request.viewer, request.body.ids ?? null, app.clock()),
  );
  app.post(
    '/notifications/:id/read',
    { schema: { tags: ['notifications'], summary: '一条标为已读', params: IdParams, response: { 200: Updated, ...ErrorResponses } } },
    async (request) => notifications.markRead(request.viewer, [request.params.id], app.clock()),
  );

  const metricsSchema = { tags: ['monitoring'], querystring: MetricsQuery };
  app.get(
    '/metrics/summary',
    {
      schema: {
        ...metricsSchema,
        summary: '响应率、解决率、满意率、签收与办结用时 (中位数、90 分位)、超时积压，及各服务队',
        response: { 200: MetricsSummary, ...ErrorResponses },
      },
    },
    async (request) => metrics.summary(request.viewer, request.query, app.clock()),
  );
  app.get(
    '/metrics/daily',
    { schema: { ...metricsSchema, summary: '每日求助量 (按北京时间)', response: { 200: DailySeries, ...ErrorResponses } } },
    async (request) => metrics.daily(request.viewer, request.query, app.clock()),
  );
  app.get(
    '/metrics/members',
    { schema: { ...metricsSchema, summary: '每位队员的负荷：在办、超时、窗口内签收与办结', response: { 200: MemberLoad, ...ErrorResponses } } },
    async (request) => metrics.members(request.viewer, request.query, app.clock()),
  );
}
