import type { WechatConfig } from './wechat-client.js';
import { createWechatApi, TOKEN_INVALID } from './wechat-api.js';

/**
 * 内容安全 (issue 16.9): user text through WeChat's msgSecCheck, version 2
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html),
 * which a released mini-program needs for what its users write. WeChat answers `suggest`: pass,
 * review or risky. `unchecked`: not configured, the author has no openid (no WeChat sign-in), or
 * WeChat could not be asked (down, slow, an error): the check being down never blocks filing.
 */
export type ContentVerdict = 'pass' | 'review' | 'risky' | 'unchecked';

/** The scene msgSecCheck is told: 1 资料, 2 评论, 3 论坛, 4 社交日志. A request or a note is closest to 评论. */
const SCENE_COMMENT = 2;

export interface ContentCheck {
  check(text: string, openid: string | null, now: Date): Promise<{ verdict: ContentVerdict; label?: number; error?: string }>;
}

export function createWechatContentCheck(config: WechatConfig & { contentCheck: boolean; contentCheckTimeoutMs: number }): ContentCheck {
  const api = createWechatApi(config, config.contentCheckTimeoutMs);
  const enabled = config.contentCheck && Boolean(config.appId && config.appSecret);
  const ask = (token: string, content: string, openid: string) =>
    api.post(`/wxa/msg_sec_check?access_token=${encodeURIComponent(token)}`, { content, version: 2, scene: SCENE_COMMENT, openid });
  return {
    async check(text, openid, now) {
      if (!enabled || !openid || !text.trim()) return { verdict: 'unchecked' };
      try {
        let used = await api.token(now);
        let reply = await ask(used, text, openid);
        if (reply.errcode && TOKEN_INVALID.has(reply.errcode)) {
          api.forget(used);
          used = await api.token(now);
          reply = await ask(used, text, openid);
        }
        if (reply.errcode) return { verdict: 'unchecked', error: `errcode ${reply.errcode}: ${reply.errmsg ?? ''}` };
        const result = reply.result as { suggest?: string; label?: number } | undefined;
        const suggest = result?.suggest;
        if (suggest === 'pass' || suggest === 'review' || suggest === 'risky') return { verdict: suggest, ...(result?.label !== undefined ? { label: result.label } : {}) };
        return { verdict: 'unchecked', error: 'no result.suggest' };
      } catch (error) {
        return { verdict: 'unchecked', error: (error as Error).message };
      }
    },
  };
}
