import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_LABELS, NOTIFICATION_TYPES, type NotificationType } from '@minhu/domain';
import { ConfigError, loadConfig } from '../../apps/api/src/config.js';
import { deliveryChannels } from '../../apps/api/src/services/notifier.js';
import { SMS_PARAM_MAX, SMS_SINGLE_MAX, SMS_TEMPLATES, SMS_TYPES, fitParam, renderSms, smsParams } from '../../apps/api/src/services/sms-templates.js';

const longest = Object.values(CATEGORY_LABELS).reduce((a, b) => (b.length > a.length ? b : a));

describe('SMS templates within Tencent Cloud’s rules', () => {
  it('when any template is filled with its longest parameters and signed, then it fits one message (70 characters) and each parameter 6', () => {
    for (const type of SMS_TYPES) {
      const params = smsParams(type, { category: 'supplies', assigneeName: '欧阳娜娜娜娜娜娜', ticketNumber: 'MH-20261128-0001' });
      expect(params.every((p) => Array.from(p).length <= SMS_PARAM_MAX && p.length > 0)).toBe(true);
      const text = renderSms(type, params.map(() => '字'.repeat(SMS_PARAM_MAX)), '民呼我行');
      expect(Array.from(text).length).toBeLessThanOrEqual(SMS_SINGLE_MAX);
      // Every parameter the template names is filled, none left over, and no template is only parameters.
      const slots = [...SMS_TEMPLATES[type].text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
      expect(slots).toEqual(params.map((_, i) => i + 1));
      expect(SMS_TEMPLATES[type].text.replace(/\{\d+\}/g, '').length).toBeGreaterThan(10);
    }
    expect(longest.length).toBeLessThanOrEqual(SMS_PARAM_MAX);
  });

  it('when a claimed message is made, then it names the need and the member, and reads as the phone shows it', () => {
    const params = smsParams('claimed', { category: 'medicine', assigneeName: '吴小燕', ticketNumber: 'MH-20261128-0001' });
    expect(params).toEqual(['购药', '吴小燕']);
    expect(renderSms('claimed', params, '民呼我行')).toBe('【民呼我行】您的购药求助已由服务队员吴小燕签收，正在办理，请保持电话畅通。');
    expect(smsParams('reopened', { category: 'help', assigneeName: null, ticketNumber: 'MH-20261128-0042' })).toEqual(['0042', '其他求助']);
  });

  it('when a parameter has emoji, a link, spaces or is too long, then it is cleaned and cut; empty becomes "-"', () => {
    expect(fitParam('🚨 张 三')).toBe('张三');
    expect(fitParam('看 https://x.cn/a 这里')).toBe('看这里');
    expect(fitParam('一二三四五六七八')).toBe('一二三四五六');
    expect(fitParam('')).toBe('-');
  });
});

describe('which channel beside the inbox', () => {
  const channels = { wechat: new Set<NotificationType>(['claimed', 'new_ticket']), sms: new Set<NotificationType>(['claimed', 'resolved']) };
  it('when the person chose SMS and has a phone, then a text message only, and only for the types SMS carries', () => {
    const to = { openid: 'o-1', phone: '13700000000', notifyBy: 'sms' as const };
    expect(deliveryChannels('claimed', to, channels)).toEqual(['sms']);
    expect(deliveryChannels('resolved', to, channels)).toEqual(['sms']);
    expect(deliveryChannels('new_ticket', to, channels)).toEqual([]);
  });
  it('when SMS is not configured or they have no phone, then WeChat as for anyone with an openid', () => {
    expect(deliveryChannels('claimed', { openid: 'o-1', phone: '13700000000', notifyBy: 'sms' }, { wechat: channels.wechat })).toEqual(['wechat']);
    expect(deliveryChannels('claimed', { openid: 'o-1', phone: null, notifyBy: 'sms' }, channels)).toEqual(['wechat']);
    expect(deliveryChannels('claimed', { openid: null, phone: '13700000000', notifyBy: null }, channels)).toEqual([]);
    expect(deliveryChannels('claimed', { openid: 'o-1', phone: '13700000000', notifyBy: 'app' }, channels)).toEqual(['wechat']);
  });
});

describe('SMS configuration', () => {
  const base = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-sms-')),
    SMS_PROVIDER: 'tencent',
    SMS_SECRET_ID: 'id',
    SMS_SECRET_KEY: 'key',
    SMS_SDK_APP_ID: '1400000001',
    SMS_SIGN_NAME: '民呼我行',
    SMS_TEMPLATES: '{"claimed":"123","resolved":"124"}',
  };
  it('when SMS_PROVIDER is unset, then no SMS', () => {
    expect(loadConfig({ DATA_DIR: base.DATA_DIR }).sms).toBeNull();
  });
  it('when it is set with its settings, then Tencent’s endpoint unless SMS_API_BASE, 20 a day per phone unless set', () => {
    expect(loadConfig(base).sms).toMatchObject({ provider: 'tencent', apiBase: 'https://sms.tencentcloudapi.com', region: 'ap-guangzhou', dailyLimitPerPhone: 20, templates: { claimed: '123', resolved: '124' } });
    expect(loadConfig({ ...base, SMS_API_BASE: 'http://127.0.0.1:9/', SMS_DAILY_LIMIT_PER_PHONE: '3' }).sms).toMatchObject({ apiBase: 'http://127.0.0.1:9', dailyLimitPerPhone: 3 });
  });
  it('when a setting is missing or a template is for a type SMS does not carry, then start-up stops with a message in Chinese', () => {
    expect(() => loadConfig({ ...base, SMS_SECRET_KEY: '' })).toThrow(new ConfigError('设置了 SMS_PROVIDER 时必须设置 SMS_SECRET_KEY。'));
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'aliyun' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMS_TEMPLATES: '{"new_ticket":"1"}' })).toThrow(/SMS_TEMPLATES 应为 JSON 对象/);
    expect(() => loadConfig({ ...base, SMS_TEMPLATES: 'nope' })).toThrow(/SMS_TEMPLATES/);
    expect(NOTIFICATION_TYPES).toEqual(expect.arrayContaining([...SMS_TYPES]));
  });
});
