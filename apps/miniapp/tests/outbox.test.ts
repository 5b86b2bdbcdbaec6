// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateTicketBody } from '@minhu/contracts';
import { clearDraft, flushOutbox, loadDraft, pendingSubmissions, saveDraft, submitTicket } from '../src/services/outbox';
import { aTicket } from './fixtures';
import { storage, taro } from './taro-mock';

const body: CreateTicketBody = { category: 'help', urgency: 'normal', description: '家里水管坏了' };
const offline = { errMsg: 'request:fail timeout' };
const created = (number: string) => ({ statusCode: 201, data: aTicket({ number }) });

/** The Idempotency-Key sent with each call to Taro.request so far. */
const keysSent = () => taro.request.mock.calls.map(([options]) => options.header?.['idempotency-key']);

describe('submitting a ticket', () => {
  it('when the network fails, then the submission waits in the outbox under its key', async () => {
    taro.request.mockRejectedValueOnce(offline);
    const result = await submitTicket('key-1', body);
    expect(result).toEqual({ ok: false, queued: true, message: '网络连接失败，请检查网络后重试。' });
    expect(pendingSubmissions()).toEqual([expect.objectContaining({ key: 'key-1', body, lastError: '网络连接失败，请检查网络后重试。' })]);
    expect(keysSent()).toEqual(['key-1']);
    expect(taro.request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/tickets', method: 'POST', data: body });
  });

  it('when the server is briefly down (503), then the submission is kept for later too', async () => {
    taro.request.mockResolvedValueOnce({ statusCode: 503, data: { error: { code: 'UNAVAILABLE', message: '服务暂时不可用' } } });
    const result = await submitTicket('key-1', body);
    expect(result).toMatchObject({ ok: false, queued: true, message: '服务暂时不可用' });
    expect(pendingSubmissions().map((p) => p.key)).toEqual(['key-1']);
  });

  it('when the same submission fails twice, then it waits once', async () => {
    taro.request.mockRejectedValue(offline);
    await submitTicket('key-1', body);
    await submitTicket('key-1', body);
    expect(pendingSubmissions()).toHaveLength(1);
  });

  it('when the API refuses the input (400), then it is not queued and the reason comes back', async () => {
    taro.request.mockResolvedValueOnce({
      statusCode: 400,
      data: { error: { code: 'VALIDATION', message: '说明不能为空', details: { field: 'description' } } },
    });
    const result = await submitTicket('key-1', body);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ queued: false, error: { status: 400, code: 'VALIDATION', message: '说明不能为空' } });
    expect(pendingSubmissions()).toEqual([]);
  });

  it('when it gets through, then the ticket comes back and nothing waits', async () => {
    taro.request.mockResolvedValueOnce(created('MH-1'));
    const result = await submitTicket('key-1', body);
    expect(result).toMatchObject({ ok: true, ticket: { number: 'MH-1' } });
    expect(pendingSubmissions()).toEqual([]);
  });
});

describe('flushOutbox', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the network returns, then the waiting submission is resent with the SAME Idempotency-Key and leaves the outbox', async () => {
    taro.request.mockRejectedValueOnce(offline);
    await submitTicket('key-1', body);

    taro.request.mockResolvedValueOnce(created('MH-1'));
    const sent = await flushOutbox();

    expect(sent.map((t) => t.number)).toEqual(['MH-1']);
    expect(keysSent()).toEqual(['key-1', 'key-1']);
    expect(taro.request.mock.calls[1]![0].data).toEqual(body);
    expect(pendingSubmissions()).toEqual([]);
  });

  it('when still offline, then it stops at the first failure and keeps everything', async () => {
    taro.request.mockRejectedValue(offline);
    await submitTicket('key-1', body);
    await submitTicket('key-2', { ...body, description: '需要买菜' });
    taro.request.mockClear();

    expect(await flushOutbox()).toEqual([]);
    expect(keysSent()).toEqual(['key-1']);
    // (The one tried goes to the back, so one that always fails cannot hold up the others.)
    expect(pendingSubmissions().map((p) => p.key).sort()).toEqual(['key-1', 'key-2']);
  });

  it('when a waiting submission fails again later, then it keeps the time it was first saved (shown as 保存于)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 28, 9, 0));
    taro.request.mockRejectedValue(offline);
    await submitTicket('key-1', body);
    const savedAt = pendingSubmissions()[0]!.savedAt;

    vi.setSystemTime(new Date(2026, 10, 28, 9, 45));
    await flushOutbox();
    expect(pendingSubmissions()).toEqual([expect.objectContaining({ key: 'key-1', savedAt })]);
    expect(savedAt).toBe(new Date(2026, 10, 28, 9, 0).getTime());
  });

  it('when one waiting submission is now refused, then it is dropped and the next is still sent', async () => {
    taro.request.mockRejectedValue(offline);
    await submitTicket('key-1', body);
    await submitTicket('key-2', { ...body, description: '需要买菜' });
    taro.request.mockReset();
    taro.request
      .mockResolvedValueOnce({ statusCode: 422, data: { error: { code: 'ADDRESS_REQUIRED', message: '请先填写住址' } } })
      .mockResolvedValueOnce(created('MH-2'));

    const sent = await flushOutbox();
    expect(sent.map((t) => t.number)).toEqual(['MH-2']);
    expect(keysSent()).toEqual(['key-1', 'key-2']);
    expect(pendingSubmissions()).toEqual([]);
  });

  it('when the app restarts, then what waits is still there (it is in storage)', async () => {
    taro.request.mockRejectedValueOnce(offline);
    await submitTicket('key-1', body);
    expect(storage.get('minhu.outbox')).toEqual([expect.objectContaining({ key: 'key-1', body })]);
  });
});

describe('drafts', () => {
  it('when a draft is saved again and again, then it keeps the key it was given first and the latest form', () => {
    const first = saveDraft('medicine', { description: '布' });
    const second = saveDraft('medicine', { description: '布洛芬' });
    expect(second.key).toBe(first.key);
    expect(loadDraft('medicine')).toMatchObject({ key: first.key, form: { description: '布洛芬' } });
  });

  it('when the form passes its key, then that key is kept', () => {
    expect(saveDraft('help', { description: 'x' }, 'key-7').key).toBe('key-7');
    expect(saveDraft('help', { description: 'xy' }).key).toBe('key-7');
  });

  it('when drafts are for different forms, then they have different keys and do not overwrite each other', () => {
    const medicine = saveDraft('medicine', { description: '药' });
    const help = saveDraft('help', { description: '帮忙' });
    expect(help.key).not.toBe(medicine.key);
    expect(loadDraft('medicine')?.form).toEqual({ description: '药' });
  });

  it('when a draft is cleared, then it is gone and the next draft gets a new key', () => {
    const old = saveDraft('medicine', { description: '药' });
    clearDraft('medicine');
    expect(loadDraft('medicine')).toBeNull();
    expect(saveDraft('medicine', { description: '药' }).key).not.toBe(old.key);
  });
});
