import type { FastifyInstance } from 'fastify';
import { DEMO_ACCOUNTS } from '../demo/demo-accounts.js';
import { serve } from './serve.js';

export default async function authRoutes(app: FastifyInstance, options: { devLogin: boolean }) {
  const { auth, org } = app.services;
  const updateMe = async (request: { viewer: Parameters<typeof org.updateMe>[0]; body: Parameters<typeof org.updateMe>[1] }) => {
    await org.updateMe(request.viewer, request.body, app.clock());
    return auth.me(await app.services.viewerOf(request.viewer.id));
  };

  serve(app, {
    wechatLogin: async (request) => auth.wechatLogin(request.body.code, app.clock()),
    refreshTokens: async (request) => auth.refresh(request.body.refreshToken, app.clock()),
    getMe: async (request) => auth.me(request.viewer),
    updateMe,
    updateMeByPost: updateMe,
    getContacts: async (request) => org.contacts(request.viewer),
  });

  // The demo's phone-number login. Not registered at all when switched off: then it is a 404.
  if (!options.devLogin) return;
  serve(app, {
    devLogin: async (request) => auth.devLogin(request.body.phone, app.clock()),
    listDevAccounts: async () => ({ items: [...DEMO_ACCOUNTS] }),
  });
}
