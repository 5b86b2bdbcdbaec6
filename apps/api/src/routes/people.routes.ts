import type { FastifyInstance } from 'fastify';
import { serve } from './serve.js';

export default async function peopleRoutes(app: FastifyInstance) {
  const { people } = app.services;
  serve(app, {
    listPeople: async (request) => people.list(request.viewer, request.query),
    setPersonTags: async (request) => people.setTags(request.viewer, request.params.id, request.body, app.clock()),
    verifyPersonHome: async (request) => people.verifyHome(request.viewer, request.params.id, request.body ?? {}, app.clock()),
    setPersonNotifyBy: async (request) => people.setNotifyBy(request.viewer, request.params.id, request.body.notifyBy, app.clock()),
  });
}
