import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/api/src/config.js';
import { MAX_ATTEMPTS, retryDelayMs } from '../../apps/api/src/services/dispatcher.service.js';
import { DEFAULT_SUBSCRIBE_FIELDS, fitValue, formatTime, templateData } from '../../apps/api/src/services/wechat-subscribe.js';

describe('subscribe-message data', () => {
  it('when a value is too long for its field type, then it is cut to WeChat’s limit', () => {
    expect(fitValue('thing2', '一二三四五六七八九十一二三四五六七八九十')).toBe('一二三四五六七八九十一二三四五六七八九十');
    expect(fitValue('thing2', '一二三四五六七八九十一二三四五六七八九十一')).toBe('一二三四五六七八九十一二三四五六七八九…');
    expect(Array.from(fitValue('thing12', 'x'.repeat(100)))).toHaveLength(20);
    expect(fitValue('phrase3', '正在为您办理中')).toBe('正在为您办');
    expect(fitValue('name5', '欧阳一二三四五六七八九')).toBe('欧阳一二三四五六七八');
    expect(fitValue('character_string4', 'MH-20261128-000123')).toBe('MH-20261128-000123');
    expect(fitValue('character_string4', 'x'.repeat(40))).toHaveLength(32);
  });

  it('when a value has what a field type refuses, then it is left out; nothing at all becomes "-"', () => {
    expect(fitValue('thing1', '🚨 紧急求助，请立即处理')).toBe('紧急求助，请立即处理');
    expect(fitValue('thing1', '第一行\n第二行')).toBe('第一行 第二行');
    expect(fitValue('character_string4', '编号 MH-1')).toBe('MH-1');
    expect(fitValue('number9', '共 12 盒')).toBe('12');
    expect(fitValue('thing1', '  ')).toBe('-');
    // A surrogate pair is one character, never cut in half.
    expect(fitValue('thing1', `${'一'.repeat(18)}𠀀𠀀𠀀`)).toBe(`${'一'.repeat(18)}𠀀…`);
  });

  it('maps a notification onto the template keys, with the time in China time', () => {
    expect(formatTime(new Date('2026-11-28T16:05:00Z'))).toBe('2026年11月29日 00:05');
    expect(
      templateData(DEFAULT_SUBSCRIBE_FIELDS, { title: '您的求助已签收', body: '陈晓燕已签收', number: 'MH-20261128-000001', time: new Date('2026-11-28T02:00:00Z') }),
    ).toEqual({
      thing1: { value: '您的求助已签收' },
      thing2: { value: '陈晓燕已签收' },
      time3: { value: '2026年11月28日 10:00' },
      character_string4: { value: 'MH-20261128-000001' },
    });
    expect(templateData({ phrase1: 'title', thing7: 'number' }, { title: '已签收', body: '', number: null, time: new Date() })).toEqual({
      phrase1: { value: '已签收' },
      thing7: { value: '-' },
    });
  });

  it('backs off exponentially from 30 s, capped at 30 minutes, within the attempts allowed', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1800]);
    expect(MAX_ATTEMPTS).toBe(8);
  });
});

describe('subscribe-message configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'minhu-config-')), ...env });

  it('when nothing is set, then the default fields, every 5 s, the formal version', () => {
    const config = load({});
    expect(config.wechat.subscribeFields).toEqual(DEFAULT_SUBSCRIBE_FIELDS);
    expect(config.notifyDispatchIntervalMs).toBe(5000);
    expect(config.wechat.miniprogramState).toBeUndefined();
  });

  it('reads the field mapping, interval and version, and names a bad one', () => {
    const config = load({ WECHAT_SUBSCRIBE_FIELDS: '{"thing3":"title","time8":"time"}', NOTIFY_DISPATCH_INTERVAL_MS: '1000', WECHAT_MINIPROGRAM_STATE: 'trial' });
    expect(config.wechat.subscribeFields).toEqual({ thing3: 'title', time8: 'time' });
    expect(config.notifyDispatchIntervalMs).toBe(1000);
    expect(config.wechat.miniprogramState).toBe('trial');
    for (const bad of ['{"thing1":"address"}', '{"title":"thing1"}', '{}', '[]', 'thing1=title']) {
      expect(() => load({ WECHAT_SUBSCRIBE_FIELDS: bad })).toThrow(/WECHAT_SUBSCRIBE_FIELDS/);
    }
    expect(() => load({ NOTIFY_DISPATCH_INTERVAL_MS: '0' })).toThrow(/NOTIFY_DISPATCH_INTERVAL_MS/);
    expect(() => load({ WECHAT_MINIPROGRAM_STATE: 'beta' })).toThrow(/WECHAT_MINIPROGRAM_STATE/);
  });
});
