import type { FastifyInstance } from 'fastify';
import { requireSignIn } from '../plugins/auth.js';
import type { UserContexts } from '../services/user-contexts.js';
import authRoutes from './auth.routes.js';
import distributionsRoutes from './distributions.routes.js';
import errandsRoutes from './errands.routes.js';
import exportsRoutes from './exports.routes.js';
import monitoringRoutes from './monitoring.routes.js';
import orgAdminRoutes from './org-admin.routes.js';
import orgRoutes from './org.routes.js';
import peopleRoutes from './people.routes.js';
import secondmentsRoutes from './secondments.routes.js';
import { servesExactlyTheTable } from './serve.js';
import systemRoutes from './system.routes.js';
import ticketsRoutes from './tickets.routes.js';
import uploadsRoutes from './uploads.routes.js';

/**
 * The API under /api/v1: every route of the table of endpoints (packages/contracts), behind the
 * sign-in gate unless the table says it is public.
 */
export default async function apiRoutes(api: FastifyInstance, options: { devLogin: boolean; people: UserContexts }) {
  servesExactlyTheTable(api, options);
  api.addHook('onRequest', requireSignIn(options.people));
  await api.register(systemRoutes, { devLogin: options.devLogin });
  await api.register(authRoutes, { devLogin: options.devLogin });
  await api.register(ticketsRoutes);
  await api.register(uploadsRoutes);
  await api.register(orgRoutes);
  await api.register(orgAdminRoutes);
  await api.register(peopleRoutes);
  await api.register(monitoringRoutes);
  await api.register(exportsRoutes);
  await api.register(distributionsRoutes);
  await api.register(errandsRoutes);
  await api.register(secondmentsRoutes);
}
