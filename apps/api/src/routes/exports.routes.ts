import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExportFile } from '../services/exports.service.js';
import { serve } from './serve.js';

export default async function exportsRoutes(app: FastifyInstance) {
  const send = (reply: FastifyReply, exported: ExportFile) =>
    reply
      .header('content-type', exported.contentType)
      .header('content-disposition', exported.contentDisposition)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(exported.stream);

  // The service is looked up per request: tests swap in one with a lower row limit.
  serve(app, {
    exportTicketsCsv: async (request, reply) => send(reply, await app.services.exports.csv(request.viewer, request.query, app.clock(), request.log)),
    exportAuditCsv: async (request, reply) => send(reply, app.services.auditExport.csv(request.viewer, request.query, app.clock(), request.log)),
    exportTicketsXlsx: async (request, reply) => send(reply, await app.services.exports.xlsx(request.viewer, request.query, app.clock(), request.log)),
  });
}
