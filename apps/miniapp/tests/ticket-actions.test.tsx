import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Me, Ticket } from '@minhu/contracts';
import TicketPage from '../src/pages/ticket/index';
import { setTokens } from '../src/services/api';
import { AppProvider } from '../src/store';
import { typeInto } from './dom';
import { aTicket } from './fixtures';
import { routerParams, storage, taro } from './taro-mock';

/**
 * The ticket page's buttons for hand-offs, returns, extensions, the secretary's rulings and merges
 * (issue 14): what each sends, and that a reason is asked for before anything is sent.
 */
const ID = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const RECEIVING_TEAM = '00000000-0000-4000-8000-0000000000b2';
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
const teams = [
  { id: '00000000-0000-4000-8000-0000000000b1', name: '幸福小区服务队', areaId: '00000000-0000-4000-8000-0000000000a1', areaName: '幸福小区', categories: [], phone: null, maxOpenPerMember: 8 },
  { id: RECEIVING_TEAM, name: '社区医疗队', areaId: '00000000-0000-4000-8000-0000000000a9', areaName: '幸福社区', categories: ['medical'], phone: null, maxOpenPerMember: 8 },
];

interface Sent {
  method: string;
  path: string;
  data: Record<string, unknown> | undefined;
}
let sent: Sent[] = [];

/** The API as the page sees it: the ticket as given, the teams, and any action answered with `after`. */
function serve(ticket: Ticket, after: Partial<Ticket> = {}) {
  sent = [];
  taro.request.mockImplementation(async ({ url, method = 'GET', data }) => {
    const path = url.replace(/^.*\/api\/v1/, '');
    sent.push({ method, path, data: data as Record<string, unknown> | undefined });
    if (method === 'GET' && path === `/tickets/${ID}`) return { statusCode: 200, data: { ticket, events: [] } };
    if (method === 'GET' && path.startsWith('/teams')) return { statusCode: 200, data: { items: teams } };
    if (method === 'GET' && path === '/me') return { statusCode: 200, data: member };
    if (method === 'POST' && path.startsWith(`/tickets/${ID}/`)) return { statusCode: 200, data: { ...ticket, ...after, actions: [] } };
    throw new Error(`unexpected ${method} ${path}`);
  });
}
const posts = () => sent.filter((r) => r.method === 'POST');

async function open(ticket: Ticket, after: Partial<Ticket> = {}) {
  serve(ticket, after);
  routerParams.id = ID;
  render(
    <AppProvider>
      <TicketPage />
    </AppProvider>,
  );
  await screen.findByTestId('ticket-number');
}
const button = (action: string) => {
  const found = document.querySelector(`[data-action="${action}"]`);
  if (!found) throw new Error(`no ${action} button`);
  return found;
};
/** Opens the action's form, says why, and confirms. */
async function withReason(action: string, reason: string) {
  fireEvent.click(button(action));
  await typeInto(await screen.findByTestId('action-text'), reason);
  fireEvent.click(screen.getByTestId('action-confirm'));
}

// Each test renders the page and walks a form step by step: on a busy two-core machine that can
// take longer than vitest's default 5 s, without anything being wrong.
describe('the ticket page’s hand-off, return, extension, ruling and merge buttons', { timeout: 30_000 }, () => {
  beforeEach(() => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', member);
  });
  afterEach(() => {
    setTokens(null);
    storage.clear();
  });

  const handoff = { toTeamId: RECEIVING_TEAM, reason: '需要医疗队处理', requestedAt: '2026-11-28T06:10:00.000Z', requestedById: '00000000-0000-4000-8000-0000000000c9' };

  it('when a hand-off waits for her team, then the page says who keeps it meanwhile and 接收 sends the accept with the version', async () => {
    await open(aTicket({ status: 'claimed', version: 4, handoff, actions: ['acceptHandoff', 'declineHandoff'] }), { status: 'claimed', teamId: RECEIVING_TEAM, handoff: null });
    expect(screen.getByTestId('pending').textContent).toContain('转交给 社区医疗队，等待对方接收');
    expect(screen.getByTestId('pending').textContent).toContain('原因：需要医疗队处理');
    fireEvent.click(button('acceptHandoff'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/handoff/accept`, data: { version: 4 } });
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已接收' })));
  });

  it('when she declines without a reason, then nothing is sent; with one, the decline carries it', async () => {
    await open(aTicket({ status: 'claimed', version: 4, handoff, actions: ['acceptHandoff', 'declineHandoff'] }));
    fireEvent.click(button('declineHandoff'));
    fireEvent.click(await screen.findByTestId('action-confirm'));
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请写明原因' })));
    expect(posts()).toEqual([]);
    await typeInto(screen.getByTestId('action-text'), '不属于本队服务范围');
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/handoff/decline`, data: { reason: '不属于本队服务范围', version: 4 } });
  });

  it('when the member asks for 退单, then the return goes with her reason', async () => {
    await open(aTicket({ status: 'claimed', version: 2, actions: ['note', 'resolve', 'transfer', 'return', 'extend'] }));
    await withReason('return', '地址不在本小区');
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/return`, data: { reason: '地址不在本小区', version: 2 } });
  });

  it('when the member asks for 延期, then she picks how long: the new time is the resolve due time plus those days', async () => {
    await open(aTicket({ status: 'claimed', version: 2, resolveDueAt: '2026-11-29T06:00:00.000Z', actions: ['return', 'extend'] }));
    fireEvent.click(button('extend'));
    await typeInto(await screen.findByTestId('action-text'), '下周二医院复查');
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请选择延期多久' })));
    expect(posts()).toEqual([]);
    fireEvent.click(screen.getByText('延 3 天'));
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/extension`, data: { until: '2026-12-02T06:00:00.000Z', reason: '下周二医院复查', version: 2 } });
  });

  it('when a secretary rules on a return, then 同意退单 approves at once and 驳回退单 asks why first', async () => {
    const asked = { reason: '地址不在本小区', requestedAt: '2026-11-28T06:10:00.000Z', requestedById: member.id };
    await open(aTicket({ status: 'claimed', version: 5, returnRequest: asked, actions: ['approveReturn', 'rejectReturn'] }));
    expect(screen.getByTestId('pending').textContent).toContain('已申请退单，等待书记审批');
    fireEvent.click(button('approveReturn'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/return/approve`, data: { version: 5 } });
  });

  it('when a secretary rejects an extension, then the rejection carries the reason', async () => {
    const extension = { until: '2026-12-02T06:00:00.000Z', reason: '下周二医院复查', requestedAt: '2026-11-28T06:10:00.000Z', requestedById: member.id };
    await open(aTicket({ status: 'claimed', version: 5, extension, actions: ['approveExtension', 'rejectExtension'] }));
    expect(screen.getByTestId('pending').textContent).toContain('等待书记审批');
    await withReason('rejectExtension', '可先由其他队员代办');
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/extension/reject`, data: { reason: '可先由其他队员代办', version: 5 } });
  });

  it('when the ticket may be a duplicate, then 可能重复 links the other and 合并 folds it into the chosen one', async () => {
    await open(aTicket({ status: 'assigned', version: 1, possibleDuplicateOf: [OTHER], actions: ['claim', 'merge'] }), { status: 'cancelled' });
    expect(screen.getByTestId('possible-duplicates').textContent).toContain('可能重复');
    fireEvent.click(screen.getByText('查看另一条求助'));
    expect(taro.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: expect.stringContaining(`id=${OTHER}`) }));
    fireEvent.click(button('merge'));
    fireEvent.click(await screen.findByTestId('action-confirm'));
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请选择要合并到的求助' })));
    expect(posts()).toEqual([]);
    fireEvent.click(screen.getByText(/并入第 1 条/));
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]).toMatchObject({ path: `/tickets/${ID}/merge`, data: { intoTicketId: OTHER, version: 1 } });
  });

  it('when a ticket has no duplicate, then there is no 合并 button even if the action is offered', async () => {
    await open(aTicket({ status: 'assigned', actions: ['claim', 'merge'] }));
    expect(document.querySelector('[data-action="merge"]')).toBeNull();
    expect(screen.queryByTestId('possible-duplicates')).toBeNull();
  });
});
