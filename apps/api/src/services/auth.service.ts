import { createHash, randomBytes } from 'node:crypto';
import { USER_ROLES, type UserRole } from '@minhu/domain';
import type { AuthReply, Me } from '@minhu/contracts';
import { addressOf, type OrgRepository, type UsersRepository } from '@minhu/db';
import { unauthorized } from '../errors.js';
import type { Viewer } from './viewer.js';
import type { WechatClient } from './wechat-client.js';

interface Deps {
  users: UsersRepository;
  org: OrgRepository;
  wechat: WechatClient;
  /** A signed access token, valid from `now` (the app's clock) for the configured time. */
  signAccessToken: (userId: string, now: Date) => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createAuthService(deps: Deps) {
  const { users, org, wechat } = deps;

  async function tokensFor(userId: string, now: Date): Promise<AuthReply> {
    const viewer = await org.userContext(userId);
    if (!viewer || !viewer.active) throw unauthorized('ACCOUNT_DISABLED', '该账号已停用，请联系社区。');
    const refreshToken = randomBytes(32).toString('base64url');
    await users.storeRefreshToken(
      userId,
      sha256(refreshToken),
      new Date(now.getTime() + deps.refreshTokenTtlSeconds * 1000),
    );
    return {
      accessToken: deps.signAccessToken(userId, now),
      refreshToken,
      expiresIn: deps.accessTokenTtlSeconds,
      user: await me(viewer),
    };
  }

  async function me(viewer: Viewer): Promise<Me> {
    const roles = new Set<UserRole>(['resident']);
    for (const team of viewer.teams) roles.add(team.role === 'leader' ? 'leader' : 'member');
    if (viewer.teams.length > 0) roles.add('member');
    if (viewer.secretaryAreas.length > 0) roles.add('secretary');
    if (viewer.isAdmin) roles.add('admin');
    let home: Me['home'] = null;
    if (viewer.homeAreaId) {
      const area = await org.area(viewer.homeAreaId);
      if (area) {
        home = { areaId: area.id, address: addressOf(await org.areaChain(area)), detail: viewer.homeDetail };
      }
    }
    return {
      id: viewer.id,
      name: viewer.name,
      phone: viewer.phone,
      roles: USER_ROLES.filter((r) => roles.has(r)),
      teams: viewer.teams,
      areas: viewer.secretaryAreas.map((a) => ({ id: a.id, name: a.name, kind: a.kind, role: 'secretary' as const })),
      home,
      specialTags: viewer.specialTags,
      pendingTags: viewer.pendingTags,
    };
  }

  return {
    me,

    /** The demo's login by phone number: a number seen for the first time becomes a new resident. */
    async devLogin(phone: string, now: Date): Promise<AuthReply> {
      const user = await users.findOrCreate({ phone }, `居民${phone.slice(-4)}`);
      return tokensFor(user.id, now);
    },

    async wechatLogin(code: string, now: Date): Promise<AuthReply> {
      const session = await wechat.code2session(code);
      const user = await users.findOrCreate({ wechatOpenid: session.openid }, '微信用户');
      return tokensFor(user.id, now);
    },

    /** Each refresh token works once; a used one shown again ends all of that person's sessions. */
    async refresh(refreshToken: string, now: Date): Promise<AuthReply> {
      const result = await users.consumeRefreshToken(sha256(refreshToken), now);
      if (!result.ok) {
        if (result.reusedBy) await users.revokeAllRefreshTokens(result.reusedBy, now);
        throw unauthorized('INVALID_REFRESH_TOKEN', '登录已失效，请重新登录。');
      }
      return tokensFor(result.userId, now);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
