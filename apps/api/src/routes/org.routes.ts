import type { FastifyInstance } from 'fastify';
import { serve } from './serve.js';

export default async function orgRoutes(app: FastifyInstance) {
  const { org } = app.services;
  serve(app, {
    listAreas: async (request) => org.areas(request.query),
    listTeams: async () => org.teams(),
    listTeamMembers: async (request) => org.teamMembers(request.viewer, request.params.id),
  });
}
