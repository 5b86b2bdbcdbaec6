import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AuthReply, DevAccounts, DevLoginBody, ErrorResponses, Me, RefreshBody, WechatLoginBody } from '@minhu/contracts';
import { DEMO_ACCOUNTS } from '../demo/demo-accounts.js';

export default async function authRoutes(root: FastifyInstance, options: { devLogin: boolean }) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { auth } = app.services;
  const tags = ['auth'];

  app.post(
    '/auth/wechat',
    {
      config: { public: true },
      schema: { tags, summary: '微信登录：用 wx.login 的 code 换取令牌', body: WechatLoginBody, response: { 200: AuthReply, ...ErrorResponses } },
    },
    async (request) => auth.wechatLogin(request.body.code, app.clock()),
  );

  app.post(
    '/auth/refresh',
    {
      config: { public: true },
      schema: { tags, summary: '用刷新令牌换新令牌 (每个刷新令牌只能用一次)', body: RefreshBody, response: { 200: AuthReply, ...ErrorResponses } },
    },
    async (request) => auth.refresh(request.body.refreshToken, app.clock()),
  );

  app.get(
    '/me',
    { schema: { tags, summary: '当前登录的人：角色、服务队、负责的区域、住址', response: { 200: Me, ...ErrorResponses } } },
    async (request) => auth.me(request.viewer),
  );

  // The demo's phone-number login. Not registered at all when switched off: then it is a 404.
  if (!options.devLogin) return;
  app.post(
    '/auth/dev',
    {
      config: { public: true },
      schema: { tags, summary: '演示登录：用手机号直接登录 (生产环境默认关闭)', body: DevLoginBody, response: { 200: AuthReply, ...ErrorResponses } },
    },
    async (request) => auth.devLogin(request.body.phone, app.clock()),
  );
  app.get(
    '/auth/dev/accounts',
    { config: { public: true }, schema: { tags, summary: '演示账号列表', response: { 200: DevAccounts } } },
    async () => ({ items: [...DEMO_ACCOUNTS] }),
  );
}
