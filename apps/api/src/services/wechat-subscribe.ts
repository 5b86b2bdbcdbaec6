import type { WechatConfig } from './wechat-client.js';
import { createWechatApi, TOKEN_INVALID } from './wechat-api.js';

/**
 * WeChat subscribe messages (订阅消息) through WeChat's server API:
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 * (the access token: wechat-api.ts).
 */

/** What a notification can put into a template's fields. */
export const MESSAGE_FIELDS = ['title', 'body', 'number', 'time'] as const;
export type MessageField = (typeof MESSAGE_FIELDS)[number];

/**
 * Template field key → what goes in it. Keys are the template's own (its "详细内容" in the WeChat
 * console, e.g. {{thing1.DATA}}); the default fits a template of two things, a time and a string.
 * WECHAT_SUBSCRIBE_FIELDS replaces it.
 */
export const DEFAULT_SUBSCRIBE_FIELDS: Readonly<Record<string, MessageField>> = {
  thing1: 'title',
  thing2: 'body',
  time3: 'time',
  character_string4: 'number',
};

/** WeChat's limits on a value, by the key's type (the key without its number). */
const MAX_CHARS: Record<string, number> = {
  thing: 20,
  short_thing: 5,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  phrase: 5,
  name: 10,
  phone_number: 17,
  car_number: 8,
};

export interface MessageContent {
  title: string;
  body: string;
  /** The ticket number, when there is a ticket. */
  number: string | null;
  time: Date;
}

/** "2026年11月28日 10:00" in China time: the form time.DATA and date.DATA accept. */
export function formatTime(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/**
 * A value as WeChat accepts it for a key: emoji dropped (templates refuse them), only ASCII in a
 * character_string, only digits in a number, cut to the type's length (a thing ends in "…" when
 * cut). WeChat refuses an empty value, so nothing becomes "-".
 */
export function fitValue(key: string, value: string): string {
  const type = key.replace(/\d+$/, '');
  let v = value.replace(/\p{Extended_Pictographic}\uFE0F?/gu, '').replace(/\s+/g, ' ').trim();
  if (type === 'character_string') v = v.replace(/[^\x21-\x7e]/g, '');
  if (type === 'number') v = v.replace(/[^\d.]/g, '');
  const max = MAX_CHARS[type];
  const chars = Array.from(v);
  if (max !== undefined && chars.length > max) {
    v = type === 'thing' ? `${chars.slice(0, max - 1).join('')}…` : chars.slice(0, max).join('');
  }
  return v || '-';
}

/** The template's data for a notification, by the field mapping. */
export function templateData(fields: Readonly<Record<string, MessageField>>, content: MessageContent): Record<string, { value: string }> {
  const text = (field: MessageField) =>
    field === 'time' ? formatTime(content.time) : field === 'number' ? (content.number ?? '') : content[field];
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, { value: fitValue(key, text(field)) }]));
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** The mini-program page the message opens; none means it opens nothing. */
  page: string | undefined;
  data: Record<string, { value: string }>;
}

/** Sent; or not, and whether trying again later can help. */
export type SendResult = { ok: true } | { ok: false; retry: boolean; error: string; /** The provider said so: it surely did not send it. */ refused?: boolean };

/** Tried again they would fail again: the user has no subscription left or refused (43101), a bad openid (40003), data or page WeChat refuses (47003, 41030). */
const PERMANENT = new Set([43101, 40003, 47003, 41030]);
export function createWechatSubscribe(config: WechatConfig & { miniprogramState?: string | undefined }) {
  const { post, token, forget } = createWechatApi(config);

  const postMessage = (accessToken: string, message: SubscribeMessage) =>
    post(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`, {
      touser: message.touser,
      template_id: message.templateId,
      ...(message.page ? { page: message.page } : {}),
      data: message.data,
      ...(config.miniprogramState ? { miniprogram_state: config.miniprogramState } : {}),
      lang: 'zh_CN',
    });

  return {
    /** Sends one message. Never throws: network trouble and timeouts are retryable results. */
    async send(message: SubscribeMessage, now: Date): Promise<SendResult> {
      if (!config.appId || !config.appSecret) return { ok: false, retry: true, error: 'WECHAT_APP_ID / WECHAT_APP_SECRET not set' };
      try {
        let used = await token(now);
        let reply = await postMessage(used, message);
        if (reply.errcode && TOKEN_INVALID.has(reply.errcode)) {
          // Forget it only if nobody has replaced it meanwhile, so a burst of failures refetches once.
          forget(used);
          used = await token(now);
          reply = await postMessage(used, message);
        }
        if (!reply.errcode) return { ok: true };
        return { ok: false, retry: !PERMANENT.has(reply.errcode), error: `errcode ${reply.errcode}: ${reply.errmsg ?? ''}` };
      } catch (error) {
        // -1 (busy) and 45009 (quota) come back as errcodes above; these are timeouts and the like.
        return { ok: false, retry: true, error: (error as Error).message };
      }
    },
  };
}

export type WechatSubscribe = ReturnType<typeof createWechatSubscribe>;
