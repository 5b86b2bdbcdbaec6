import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import type { SmsConfig } from '../config.js';
import type { SendResult } from './wechat-subscribe.js';

/**
 * Text messages through Tencent Cloud SMS (腾讯云短信, API 2021-01-11 SendSms) with its own SDK.
 * Tencent rather than Aliyun: its SDK takes the endpoint, protocol and timeout as one profile (the
 * tests point it at a local stand-in over plain HTTP), sends the numbers in a signed JSON body rather
 * than the query string (they stay out of access logs on the way), and answers per number with a
 * code that says whether trying again can help.
 */
export interface SmsMessage {
  /** A mainland mobile number, 11 digits. */
  phone: string;
  templateId: string;
  params: readonly string[];
  /** Echoed back by the provider in its receipts: the delivery's id. */
  sessionContext?: string;
}

export interface SmsClient {
  /** Sends one message. Never throws: network trouble and timeouts are retryable results. */
  send(message: SmsMessage): Promise<SendResult>;
}

/**
 * Codes that another attempt would meet again: a template, signature or number the provider refuses,
 * its own daily cap for the number, or content it blocks. Anything else (InternalError.*, the
 * per-30-seconds and per-hour caps, RequestLimitExceeded, a balance topped up later, network
 * trouble) is worth trying again after the back-off.
 */
const PERMANENT = [
  'InvalidParameter',
  'MissingParameter',
  'UnsupportedOperation',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.ContainSensitiveWord',
  'FailedOperation.MissingTemplateToModify',
  'LimitExceeded.PhoneNumberDailyLimit',
  'LimitExceeded.PhoneNumberSameContentDailyLimit',
  'LimitExceeded.DeliveryFrequencyLimit',
];
/** InvalidParameter covers InvalidParameterValue.* too. */
const permanent = (code: string) => code !== '' && PERMANENT.some((p) => code.startsWith(p));

export function createTencentSms(config: Pick<SmsConfig, 'apiBase' | 'secretId' | 'secretKey' | 'region' | 'appId' | 'signName' | 'timeoutMs'>): SmsClient {
  const base = new URL(config.apiBase);
  const secure = base.protocol === 'https:';
  const client = new tencentcloud.sms.v20210111.Client({
    credential: { secretId: config.secretId, secretKey: config.secretKey },
    region: config.region,
    profile: {
      httpProfile: {
        protocol: secure ? 'https://' : 'http://',
        endpoint: base.host,
        // Seconds, multiplied by 1,000 for node-fetch's timeout: a fraction is honoured.
        reqTimeout: config.timeoutMs / 1000,
        // Our own agent: the SDK otherwise routes through $http_proxy when it is set.
        agent: secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
      },
    },
  });

  return {
    async send(message) {
      try {
        const reply = await client.SendSms({
          PhoneNumberSet: [`+86${message.phone}`],
          SmsSdkAppId: config.appId,
          SignName: config.signName,
          TemplateId: message.templateId,
          TemplateParamSet: [...message.params],
          ...(message.sessionContext ? { SessionContext: message.sessionContext } : {}),
        });
        const status = reply.SendStatusSet?.[0];
        if (!status) return { ok: false, retry: true, error: 'no send status in the reply' };
        if (status.Code === 'Ok') return { ok: true };
        return { ok: false, retry: !permanent(status.Code ?? ''), error: `${status.Code}: ${status.Message ?? ''}`, refused: true };
      } catch (error) {
        // The SDK throws for an error reply (its code on the exception, or the HTTP status) and
        // for network trouble and timeouts, after which the message may or may not have gone out.
        const { code = '', httpCode } = error as { code?: string; httpCode?: number };
        const answered = code !== '' || httpCode !== undefined;
        return { ok: false, retry: !permanent(code), error: `${code ? `${code}: ` : httpCode ? `HTTP ${httpCode}: ` : ''}${(error as Error).message}`, refused: answered };
      }
    },
  };
}
