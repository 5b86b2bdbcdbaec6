import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me, TicketDetail } from '@minhu/contracts';
import TicketPage from '../src/pages/ticket/index';
import { setTokens } from '../src/services/api';
import { AppProvider } from '../src/store';
import { aTicket } from './fixtures';
import { routerParams, storage, taro } from './taro-mock';

const member: Me = {
  id: '00000000-0000-4000-8000-0000000000c2',
  name: '吴小燕',
  phone: '13600000011',
  roles: ['resident', 'member'],
  teams: [{ id: '00000000-0000-4000-8000-0000000000b1', name: '幸福小区服务队', role: 'member', areaId: '00000000-0000-4000-8000-0000000000a1' }],
  areas: [],
  home: null,
  specialTags: [],
  pendingTags: [],
};

/** A resolved ticket filed for 孙桂英, who has no app: her 包保 may record the 回访. */
const resolved = (notifyBy: 'none' | 'app'): TicketDetail => ({
  ticket: aTicket({
    status: 'resolved',
    assigneeId: member.id,
    assignee: { id: member.id, name: member.name, phone: member.phone },
    resolvedAt: '2026-11-28T07:00:00.000Z',
    dueAt: null,
    beneficiary: { userId: null, personId: '00000000-0000-4000-8000-0000000000d1', name: '孙桂英', phone: null, areaId: null, specialTags: ['elderly'], notifyBy },
    actions: ['note', 'confirmOnBehalf'],
  }),
  events: [],
});

function serve(detail: TicketDetail) {
  const sent: { method: string; url: string; data?: unknown }[] = [];
  taro.request.mockImplementation(async ({ url, method = 'GET', data }) => {
    sent.push({ method, url, data });
    if (url.includes('/api/v1/me')) return { statusCode: 200, data: member };
    if (url.includes('/api/v1/teams')) return { statusCode: 200, data: { items: [] } };
    if (method === 'GET' && url.includes('/api/v1/tickets/')) return { statusCode: 200, data: detail };
    if (method === 'POST' && url.endsWith('/confirm')) return { statusCode: 200, data: { ...detail.ticket, status: 'closed', actions: [] } };
    throw new Error(`unexpected ${method} ${url}`);
  });
  return sent;
}

describe('the ticket page’s 回访 form', () => {
  afterEach(() => setTokens(null));

  it('when her 包保 records a phone 回访, then it asks how first, and sends the confirmation with the method', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', member);
    routerParams.id = resolved('none').ticket.id;
    const sent = serve(resolved('none'));
    render(
      <AppProvider>
        <TicketPage />
      </AppProvider>,
    );
    fireEvent.click(await screen.findByText('记录回访'));
    fireEvent.click(screen.getByText('😊 满意，问题解决了'));
    fireEvent.click(screen.getByTestId('action-confirm'));
    // Not yet: phone or visit must be chosen.
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请选择电话回访或上门回访' }));
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
    fireEvent.click(screen.getByText('📞 电话回访'));
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(sent.some((s) => s.method === 'POST')).toBe(true));
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.url).toMatch(/\/api\/v1\/tickets\/[0-9a-f-]+\/confirm$/);
    expect(post.data).toEqual({ satisfied: true, rating: 5, method: 'phone', version: 1 });
  });

  it('when the person uses the app, then no 回访 button: they rate it themself', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', member);
    routerParams.id = resolved('app').ticket.id;
    serve(resolved('app'));
    render(
      <AppProvider>
        <TicketPage />
      </AppProvider>,
    );
    expect(await screen.findByText('添加办理记录')).toBeTruthy();
    expect(screen.queryByText('记录回访')).toBeNull();
  });
});
