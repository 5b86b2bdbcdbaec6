import type { FastifyInstance } from 'fastify';
import { AppError, badRequest } from '../errors.js';
import { MAX_FILE_BYTES } from '../org-import/read.js';
import { templateWorkbook } from '../org-import/templates.js';
import { serve } from './serve.js';

export default async function orgAdminRoutes(app: FastifyInstance) {
  const { orgAdmin } = app.services;
  const now = () => app.clock();

  serve(app, {
    importOrganisation: async (request) => {
      if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传台账文件。');
      const files = [];
      try {
        for await (const part of request.files({ limits: { fileSize: MAX_FILE_BYTES, files: 10 } })) {
          files.push({ name: part.filename || part.fieldname, bytes: await part.toBuffer() });
        }
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'PAYLOAD_TOO_LARGE', '文件太大，上限 10 MB。');
        if ((error as { code?: string }).code === 'FST_FILES_LIMIT') throw badRequest('TOO_MANY_FILES', '一次最多上传 10 个文件。');
        throw error;
      }
      if (files.length === 0) throw badRequest('FILE_REQUIRED', '请选择要导入的台账文件。');
      const dryRun = request.query.dryRun === true;
      const report = await orgAdmin.import(request.viewer, files, dryRun, now());
      if (!dryRun && !report.applied) {
        throw new AppError(422, 'IMPORT_HAS_PROBLEMS', `台账有 ${report.problems.length} 个问题，未导入任何内容。`, report);
      }
      return report;
    },
    getLedgerTemplate: async (_request, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ledger-template.xlsx"; filename*=UTF-8''${encodeURIComponent('组织台账模板.xlsx')}`)
        .send(await templateWorkbook()),

    getArea: async (request) => orgAdmin.areaDetail(request.viewer, request.params.id),
    setControlLevel: async (request) => orgAdmin.setControlLevel(request.viewer, request.params.id, request.body.controlLevel, now()),

    createTeam: async (request, reply) => reply.code(201).send(await orgAdmin.createTeam(request.viewer, request.body, now())),
    updateTeam: async (request) => orgAdmin.updateTeam(request.viewer, request.params.id, request.body, now()),
    addTeamMember: async (request, reply) => reply.code(201).send(await orgAdmin.addMember(request.viewer, request.params.id, request.body, now())),
    updateTeamMember: async (request) => orgAdmin.updateMember(request.viewer, request.params.id, request.params.userId, request.body, now()),

    listResponsibilities: async (request) => orgAdmin.responsibilities(request.viewer, request.params.id),
    addResponsibility: async (request, reply) => reply.code(201).send(await orgAdmin.addResponsibility(request.viewer, request.body, now())),
    removeResponsibility: async (request) => orgAdmin.removeResponsibility(request.viewer, request.params.id, now()),

    createInvite: async (request, reply) => reply.code(201).send(await orgAdmin.createInvite(request.viewer, request.params.id, request.body, now())),
    getInvite: async (request) => orgAdmin.invite(request.params.code, now()),
    joinTeam: async (request, reply) => reply.code(201).send(await orgAdmin.join(request.viewer, request.params.code, now())),
    listJoinRequests: async (request) => orgAdmin.joinRequests(request.viewer, request.params.id),
    approveJoinRequest: async (request) => orgAdmin.decide(request.viewer, request.params.id, true, now()),
    rejectJoinRequest: async (request) => orgAdmin.decide(request.viewer, request.params.id, false, now()),

    auditLog: async (request) => orgAdmin.auditLog(request.viewer, request.query),
  });
}
