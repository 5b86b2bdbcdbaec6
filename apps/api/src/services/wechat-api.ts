import type { WechatConfig } from './wechat-client.js';

/** Refetch this long before WeChat says the token expires (it renews stable tokens 5 minutes early). */
const TOKEN_MARGIN_S = 300;

export interface WechatReply {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  [key: string]: unknown;
}

export class WechatError extends Error {}

/**
 * WeChat's server API with an access token: POST as JSON to the configured base URL, and the token
 * from the stable-token endpoint (POST /cgi-bin/stable_token), not GET /cgi-bin/token: every call to
 * the latter mints a new token and retires the previous one, so several API processes each
 * fetching their own would keep knocking each other's token out. The stable token in its normal
 * mode (force_refresh false) hands every caller the same token while it is valid, so each process
 * may cache it independently. We never force a refresh: that mode is limited to 20 calls a day
 * and would invalidate the token the other processes hold. Subscribe messages and content checks share it.
 */
export function createWechatApi(config: WechatConfig, timeoutMs = config.timeoutMs) {
  let cached: { token: string; expiresAt: number } | null = null;
  // One fetch at a time: concurrent calls wait for the same token instead of each asking.
  let fetching: Promise<string> | null = null;

  async function post(path: string, body: unknown): Promise<WechatReply> {
    const response = await fetch(`${config.apiBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new WechatError(`HTTP ${response.status}`);
    return (await response.json()) as WechatReply;
  }

  async function token(now: Date): Promise<string> {
    if (cached && now.getTime() < cached.expiresAt) return cached.token;
    fetching ??= (async () => {
      const reply = await post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: config.appId,
        secret: config.appSecret,
        force_refresh: false,
      });
      if (!reply.access_token) throw new WechatError(`access token: errcode ${reply.errcode}: ${reply.errmsg ?? ''}`);
      const lifetime = reply.expires_in ?? 7200;
      cached = { token: reply.access_token, expiresAt: now.getTime() + Math.max(lifetime - TOKEN_MARGIN_S, lifetime / 2) * 1000 };
      return reply.access_token;
    })().finally(() => {
      fetching = null;
    });
    return fetching;
  }

  return {
    post,
    token,
    /** Forgets a token WeChat refused, only if nobody has replaced it meanwhile (a burst of failures refetches once). */
    forget(used: string) {
      if (cached?.token === used) cached = null;
    },
  };
}

/** The token is invalid (40001, 40014) or expired (42001): fetch it again once. */
export const TOKEN_INVALID = new Set([40001, 40014, 42001]);
