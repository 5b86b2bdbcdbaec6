import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TProperties } from 'typebox';
import { AVAILABILITIES, CATEGORIES, CONTROL_LEVELS, DUTY_ROLES, TEAM_ROLES } from '@minhu/domain';
import { ContactPhone, ErrorResponses, Id, IdParams, Mobile, Nullable, StringEnum } from '@minhu/contracts';
import { AppError, badRequest } from '../errors.js';
import { MAX_FILE_BYTES } from '../org-import/read.js';
import { templateWorkbook } from '../org-import/templates.js';

const tags = ['org-admin'];
const body = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
// Replies are described in the summaries; errors have the contract's shape.
const Replies = { 200: Type.Unknown(), 201: Type.Unknown(), ...ErrorResponses };
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' });

export default async function orgAdminRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { orgAdmin } = app.services;
  const now = () => app.clock();

  app.post(
    '/org/import',
    {
      schema: {
        tags,
        summary: '导入组织台账 (管理员)：xlsx 或多个 csv；dryRun=true 只检查不修改；有问题时整体不导入',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
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
        return reply.code(422).send({
          error: { code: 'IMPORT_HAS_PROBLEMS', message: `台账有 ${report.problems.length} 个问题，未导入任何内容。`, details: report },
        });
      }
      return report;
    },
  );

  app.get(
    '/org/templates/ledger.xlsx',
    { schema: { tags, summary: '组织台账模板 (xlsx，中文表头)' } },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ledger-template.xlsx"; filename*=UTF-8''${encodeURIComponent('组织台账模板.xlsx')}`)
        .send(await templateWorkbook()),
  );

  app.get(
    '/areas/:id',
    { schema: { tags, summary: '区域详情：下级、服务队、未覆盖的单元和重点人员 (书记、管理员)', params: IdParams, response: Replies } },
    async (request) => orgAdmin.areaDetail(request.viewer, request.params.id),
  );
  app.put(
    '/areas/:id/control-level',
    {
      schema: { tags, summary: '设置管控级别 (记录操作人和时间；此后提交的工单按该级别时限)', params: IdParams, body: body({ controlLevel: StringEnum(CONTROL_LEVELS) }), response: Replies },
    },
    async (request) => orgAdmin.setControlLevel(request.viewer, request.params.id, request.body.controlLevel, now()),
  );

  app.post(
    '/teams',
    {
      schema: {
        tags,
        summary: '新建服务队 (书记、管理员)',
        body: body({
          name: Type.String({ minLength: 1, maxLength: 50 }),
          areaId: Id,
          code: Type.Optional(Code),
          categories: Type.Optional(Type.Array(StringEnum(CATEGORIES), { uniqueItems: true })),
          phone: Type.Optional(ContactPhone),
        }),
        response: Replies,
      },
    },
    async (request, reply) => reply.code(201).send(await orgAdmin.createTeam(request.viewer, request.body, now())),
  );
  app.put(
    '/teams/:id',
    {
      schema: {
        tags,
        summary: '修改服务队 (书记、管理员)',
        params: IdParams,
        body: body({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          categories: Type.Optional(Type.Array(StringEnum(CATEGORIES), { uniqueItems: true })),
          phone: Type.Optional(Nullable(ContactPhone)),
          active: Type.Optional(Type.Boolean()),
        }),
        response: Replies,
      },
    },
    async (request) => orgAdmin.updateTeam(request.viewer, request.params.id, request.body, now()),
  );
  app.post(
    '/teams/:id/members',
    {
      schema: {
        tags,
        summary: '添加队员 (队长、书记、管理员)；按手机号，新号码会新建人员',
        params: IdParams,
        body: body({
          name: Type.String({ minLength: 1, maxLength: 30 }),
          phone: Mobile,
          role: Type.Optional(StringEnum(TEAM_ROLES)),
          dutyRoles: Type.Optional(Type.Array(StringEnum(DUTY_ROLES), { uniqueItems: true })),
        }),
        response: Replies,
      },
    },
    async (request, reply) => reply.code(201).send(await orgAdmin.addMember(request.viewer, request.params.id, request.body, now())),
  );
  app.put(
    '/teams/:id/members/:userId',
    {
      schema: {
        tags,
        summary: '修改队员：职务、岗位、在队；在岗状态和替班 (队员本人只能改自己的在岗状态)',
        params: Type.Object({ id: Id, userId: Id }),
        body: body({
          role: Type.Optional(StringEnum(TEAM_ROLES)),
          dutyRoles: Type.Optional(Type.Array(StringEnum(DUTY_ROLES), { uniqueItems: true })),
          active: Type.Optional(Type.Boolean()),
          availability: Type.Optional(StringEnum(AVAILABILITIES)),
          backupMemberId: Type.Optional(Nullable(Id)),
          availabilityNote: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
        }),
        response: Replies,
      },
    },
    async (request) => orgAdmin.updateMember(request.viewer, request.params.id, request.params.userId, request.body, now()),
  );
  app.get(
    '/teams/:id/responsibilities',
    { schema: { tags, summary: '本队的包保关系', params: IdParams, response: Replies } },
    async (request) => orgAdmin.responsibilities(request.viewer, request.params.id),
  );
  app.post(
    '/responsibilities',
    {
      schema: {
        tags,
        summary: '安排包保 (队长、书记、管理员)：队员 ↔ 网格/楼栋/单元/户 或 人员',
        body: body({ teamId: Id, memberId: Id, areaId: Type.Optional(Id), personId: Type.Optional(Id) }),
        response: Replies,
      },
    },
    async (request, reply) => reply.code(201).send(await orgAdmin.addResponsibility(request.viewer, request.body, now())),
  );
  app.delete(
    '/responsibilities/:id',
    { schema: { tags, summary: '取消包保', params: IdParams, response: Replies } },
    async (request) => orgAdmin.removeResponsibility(request.viewer, request.params.id, now()),
  );

  app.post(
    '/teams/:id/invites',
    {
      schema: {
        tags,
        summary: '生成入队邀请码 (队长、书记、管理员)：有效期和次数有限',
        params: IdParams,
        body: body({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })), maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: Replies,
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => reply.code(201).send(await orgAdmin.createInvite(request.viewer, request.params.id, request.body, now())),
  );
  const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9]{6,12}$' }) });
  app.get(
    '/invites/:code',
    { schema: { tags, summary: '邀请码对应的服务队', params: CodeParams, response: Replies } },
    async (request) => orgAdmin.invite(request.params.code, now()),
  );
  app.post(
    '/invites/:code/join',
    { schema: { tags, summary: '用邀请码申请入队 (双报到)，等待队长审核', params: CodeParams, response: Replies } },
    async (request, reply) => reply.code(201).send(await orgAdmin.join(request.viewer, request.params.code, now())),
  );
  app.get(
    '/teams/:id/join-requests',
    { schema: { tags, summary: '待审核的入队申请 (队长、书记、管理员)', params: IdParams, response: Replies } },
    async (request) => orgAdmin.joinRequests(request.viewer, request.params.id),
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/join-requests/:id/${decision}`,
      { schema: { tags, summary: decision === 'approve' ? '同意入队' : '拒绝入队', params: IdParams, response: Replies } },
      async (request) => orgAdmin.decide(request.viewer, request.params.id, decision === 'approve', now()),
    );
  }

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: '组织变更记录 (管理员)：谁、何时、改前、改后',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), before: Type.Optional(Type.Integer({ minimum: 1 })), entity: Type.Optional(Type.String({ maxLength: 30 })) },
          { additionalProperties: false },
        ),
        response: Replies,
      },
    },
    async (request) => orgAdmin.auditLog(request.viewer, request.query),
  );
}
