import type { FastifyInstance } from 'fastify';
import { serve } from './serve.js';

/** 跑腿批次: one trip for several tickets, its shopping list, a delivery per ticket. */
export default async function errandsRoutes(app: FastifyInstance) {
  const { errands } = app.services;
  serve(app, {
    createErrand: async (request, reply) => reply.code(201).send(await errands.create(request.viewer, request.body, app.clock())),
    listErrands: async (request) => errands.list(request.viewer, request.query),
    getErrand: async (request) => errands.get(request.viewer, request.params.id),
    deliverErrandTicket: async (request) => errands.deliver(request.viewer, request.params.id, request.body, app.clock()),
  });
}
