import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AreaList, AreasQuery, Contacts, ErrorResponses, IdParams, Me, TeamList, TeamMemberList, UpdateMeBody } from '@minhu/contracts';

export default async function orgRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { org, auth } = app.services;

  app.get(
    '/areas',
    {
      schema: {
        tags: ['org'],
        summary: '选地址：某区域下的小区、楼栋、单元 (网格层略过)；或按名称搜索小区',
        querystring: AreasQuery,
        response: { 200: AreaList, ...ErrorResponses },
      },
    },
    async (request) => org.areas(request.query),
  );

  // PATCH, and POST for WeChat's wx.request, which cannot send PATCH.
  for (const method of ['PATCH', 'POST'] as const) {
    app.route({
      method,
      url: '/me',
      schema: {
        tags: ['auth'],
        summary: '修改本人姓名、住址、特殊情况',
        body: UpdateMeBody,
        response: { 200: Me, ...ErrorResponses },
      },
      handler: async (request) => {
        await org.updateMe(request.viewer, request.body, app.clock());
        return auth.me(await app.services.viewerOf(request.viewer.id));
      },
    });
  }

  app.get(
    '/me/contacts',
    { schema: { tags: ['auth'], summary: '我家的服务队、包保队员和队长 (一键呼叫)', response: { 200: Contacts, ...ErrorResponses } } },
    async (request) => org.contacts(request.viewer),
  );

  app.get(
    '/teams',
    { schema: { tags: ['org'], summary: '在岗的服务队 (转派时选择)', response: { 200: TeamList, ...ErrorResponses } } },
    async () => org.teams(),
  );

  app.get(
    '/teams/:id/members',
    {
      schema: {
        tags: ['org'],
        summary: '服务队队员 (本队队员、辖区书记、管理员可见)',
        params: IdParams,
        response: { 200: TeamMemberList, ...ErrorResponses },
      },
    },
    async (request) => org.teamMembers(request.viewer, request.params.id),
  );
}
