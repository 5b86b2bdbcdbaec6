import { CATEGORY_LABELS, type Category, type NotificationType } from '@minhu/domain';

/**
 * The text messages (短信) people whose notifyBy is `sms` get, as the templates registered with the
 * provider. A mainland SMS is sent only from a template approved in the provider's console, with
 * parameters filled in at send time ({1}, {2}: Tencent Cloud's form). The provider's rules that
 * shape them (Tencent Cloud SMS, 正文模板审核标准 and 变量规范):
 * - a parameter of a notification template holds at most 6 characters (汉字, letters, digits and
 *   punctuation count one each), no links, and a template cannot be only parameters;
 * - one message is 70 characters with the signature (【民呼我行】); longer ones are split into
 *   67-character parts, each billed, so every template here fits in one with its longest parameters;
 * - no marketing in a notification template.
 * So the messages say what happened in fixed words and carry only the category and the member's name
 * as parameters; the ticket number (MH-20261128-0001, 16 characters) does not fit one, only its
 * last four digits do.
 */
export const SMS_TYPES = ['claimed', 'resolved', 'closed', 'reopened'] as const satisfies readonly NotificationType[];
export type SmsType = (typeof SMS_TYPES)[number];

export const isSmsType = (type: string): type is SmsType => (SMS_TYPES as readonly string[]).includes(type);

/** The longest parameter a notification template accepts. */
export const SMS_PARAM_MAX = 6;
/** One message, signature included; past it the message is sent (and billed) as several. */
export const SMS_SINGLE_MAX = 70;

/** What a message can be filled from: the ticket and who acted on it. */
export interface SmsContent {
  category: Category | null;
  /** The member who has the ticket (the claimed message names them). */
  assigneeName: string | null;
  ticketNumber: string | null;
}

/** Each template's text (to register with the provider) and its parameters, in order. */
export const SMS_TEMPLATES: Record<SmsType, { text: string; params: (c: SmsContent) => string[] }> = {
  claimed: {
    text: '您的{1}求助已由服务队员{2}签收，正在办理，请保持电话畅通。',
    params: (c) => [need(c), c.assigneeName ?? '本社区'],
  },
  resolved: {
    text: '您的{1}求助已办结。如还没有解决，请告诉来电或上门回访的服务队员。',
    params: (c) => [need(c)],
  },
  closed: {
    text: '您的{1}求助已完成，感谢您的信任。再有需要，可随时联系社区党员服务队。',
    params: (c) => [need(c)],
  },
  reopened: {
    text: '编号尾号{1}的{2}求助，居民不满意，已退回重办，请尽快联系居民。',
    params: (c) => [(c.ticketNumber ?? '').replace(/\D/g, '').slice(-4) || '-', need(c)],
  },
};

const need = (c: SmsContent) => (c.category ? CATEGORY_LABELS[c.category] : '');

/**
 * A parameter as the provider accepts it: no emoji, links or line breaks, at most 6 characters,
 * never empty (an empty parameter is refused).
 */
export function fitParam(value: string): string {
  const v = value
    .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '')
    .replace(/(https?:\/\/|www\.)\S*/gi, '')
    .replace(/\s+/g, '')
    .trim();
  return Array.from(v).slice(0, SMS_PARAM_MAX).join('') || '-';
}

/** The parameters of a type's message, fitted. */
export function smsParams(type: SmsType, content: SmsContent): string[] {
  return SMS_TEMPLATES[type].params(content).map(fitParam);
}

/** The message as the phone shows it (the signature first), for tests and the README. */
export function renderSms(type: SmsType, params: readonly string[], signName: string): string {
  return `【${signName}】${SMS_TEMPLATES[type].text.replace(/\{(\d+)\}/g, (_, i: string) => params[Number(i) - 1] ?? '')}`;
}
