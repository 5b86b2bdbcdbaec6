import type { FastifyInstance } from 'fastify';
import { serve } from './serve.js';

export default async function monitoringRoutes(app: FastifyInstance) {
  const { policies, notifications, metrics } = app.services;
  serve(app, {
    listPolicies: async () => policies.list(),
    replacePolicies: async (request) => policies.replace(request.viewer, request.body, app.clock()),
    listNotifications: async (request) => notifications.inbox(request.viewer, request.query),
    listDeliveries: async (request) => notifications.deliveries(request.viewer, request.query),
    markNotificationsRead: async (request) => notifications.markRead(request.viewer, request.body.ids ?? null, app.clock()),
    markNotificationRead: async (request) => notifications.markRead(request.viewer, [request.params.id], app.clock()),
    metricsSummary: async (request) => metrics.summary(request.viewer, request.query, app.clock()),
    metricsDaily: async (request) => metrics.daily(request.viewer, request.query, app.clock()),
    metricsStaffing: async (request) => metrics.staffing(request.viewer, request.query, app.clock()),
    metricsMembers: async (request) => metrics.members(request.viewer, request.query, app.clock()),
  });
}
