import { AppError } from '../errors.js';

export interface WechatConfig {
  apiBase: string;
  appId: string | undefined;
  appSecret: string | undefined;
  timeoutMs: number;
}

export interface WechatSession {
  openid: string;
  unionid: string | null;
}

/**
 * The WeChat server API (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/):
 * code2session turns the code from wx.login into the user's openid. The base URL is configurable
 * so tests run it against a local fake server.
 */
export function createWechatClient(config: WechatConfig) {
  return {
    async code2session(code: string): Promise<WechatSession> {
      if (!config.appId || !config.appSecret) {
        throw new AppError(503, 'WECHAT_NOT_CONFIGURED', '微信登录尚未配置 (WECHAT_APP_ID / WECHAT_APP_SECRET)。');
      }
      const url = new URL(`${config.apiBase}/sns/jscode2session`);
      url.search = new URLSearchParams({
        appid: config.appId,
        secret: config.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString();
      let payload: { openid?: string; unionid?: string; errcode?: number; errmsg?: string };
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(config.timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        payload = (await response.json()) as typeof payload;
      } catch (error) {
        throw new AppError(502, 'WECHAT_UNAVAILABLE', '暂时连不上微信服务器，请稍后重试。', {
          reason: (error as Error).message,
        });
      }
      if (payload.errcode) {
        // 40029: invalid code; 40163: code already used; 45011: too frequent.
        if (payload.errcode === 45011) {
          throw new AppError(429, 'RATE_LIMITED', '登录太频繁，请稍后再试。');
        }
        const userError = payload.errcode === 40029 || payload.errcode === 40163;
        throw new AppError(
          userError ? 401 : 502,
          userError ? 'WECHAT_CODE_INVALID' : 'WECHAT_ERROR',
          userError ? '微信登录凭证无效或已使用，请重新登录。' : '微信登录失败，请稍后重试。',
          { errcode: payload.errcode, errmsg: payload.errmsg },
        );
      }
      if (!payload.openid) {
        throw new AppError(502, 'WECHAT_ERROR', '微信返回的数据不完整，请稍后重试。');
      }
      return { openid: payload.openid, unionid: payload.unionid ?? null };
    },
  };
}

export type WechatClient = ReturnType<typeof createWechatClient>;
