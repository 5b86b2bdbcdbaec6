import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExportFile } from '../services/exports.service.js';
import { serve } from './serve.js';

/** 健康包等物资按户发放: rounds, their households, deliveries at the door, the round's ledger. */
export default async function distributionsRoutes(app: FastifyInstance) {
  const { distributions } = app.services;
  const send = (reply: FastifyReply, exported: ExportFile) =>
    reply
      .header('content-type', exported.contentType)
      .header('content-disposition', exported.contentDisposition)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(exported.stream);

  serve(app, {
    createDistribution: async (request, reply) => reply.code(201).send(await distributions.create(request.viewer, request.body, app.clock())),
    listDistributions: async (request) => distributions.list(request.viewer, request.query),
    getDistribution: async (request) => distributions.get(request.viewer, request.params.id),
    listDistributionHouseholds: async (request) => distributions.households(request.viewer, request.params.id, request.query),
    recordDistributionDelivery: async (request, reply) =>
      reply.code(201).send(await distributions.deliver(request.viewer, request.params.id, request.body, app.clock())),
    reportDistributionNotReceived: async (request) => distributions.notReceived(request.viewer, request.params.id, request.body ?? {}, app.clock()),
    listMyDistributions: async (request) => distributions.mine(request.viewer),
    exportDistributionCsv: async (request, reply) => send(reply, await distributions.export(request.viewer, request.params.id, 'csv', request.log)),
    exportDistributionXlsx: async (request, reply) => send(reply, await distributions.export(request.viewer, request.params.id, 'xlsx', request.log)),
  });
}
