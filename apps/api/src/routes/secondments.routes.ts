import type { FastifyInstance } from 'fastify';
import { serve } from './serve.js';

/** 借调: lending a member to a busier team until a time, and ending it early. */
export default async function secondmentsRoutes(app: FastifyInstance) {
  const { secondments } = app.services;
  serve(app, {
    createSecondment: async (request, reply) => reply.code(201).send(await secondments.start(request.viewer, request.params.id, request.body, app.clock())),
    listSecondments: async (request) => secondments.list(request.viewer, request.params.id),
    endSecondment: async (request) => secondments.end(request.viewer, request.params.id, request.query.userId, app.clock()),
  });
}
