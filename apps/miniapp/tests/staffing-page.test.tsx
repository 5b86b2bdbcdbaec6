import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me, Secondment, Staffing } from '@minhu/contracts';
import StaffingPage, { gapWords, untilAfter } from '../src/package-logistics/pages/staffing/index';
import { setTokens } from '../src/services/api';
import { AppProvider } from '../src/store';
import { storage, taro } from './taro-mock';

const VILLAGE_TEAM = '00000000-0000-4000-8000-0000000000b2';
const COMPOUND_TEAM = '00000000-0000-4000-8000-0000000000b1';
const MEMBER = '00000000-0000-4000-8000-0000000000c2';

const secretary: Me = {
  id: '00000000-0000-4000-8000-0000000000c9',
  name: '周建华',
  phone: '13900000020',
  roles: ['resident', 'secretary'],
  teams: [],
  areas: [{ id: '00000000-0000-4000-8000-0000000000a0', name: '幸福社区', role: 'secretary', kind: 'community' }],
  home: null,
  specialTags: [],
  pendingTags: [],
};
const leader: Me = { ...secretary, name: '刘志强', roles: ['resident', 'member', 'leader'], areas: [], teams: [{ id: COMPOUND_TEAM, name: '幸福里小区服务队', role: 'leader', areaId: '00000000-0000-4000-8000-0000000000a1' }] };

const row = (over: Partial<Staffing['items'][number]>): Staffing['items'][number] => ({
  areaId: '00000000-0000-4000-8000-0000000000a2',
  areaName: '槐树庄',
  areaKind: 'compound',
  teamId: VILLAGE_TEAM,
  teamName: '槐树庄服务队',
  open: 5,
  overdue: 5,
  onDuty: 1,
  seconded: 0,
  openPerOnDuty: 5,
  specialUncovered: 1,
  gap: 3,
  membersNeeded: 1,
  ...over,
});
const village = row({});
const compound = row({ areaId: '00000000-0000-4000-8000-0000000000a1', areaName: '幸福里小区', teamId: COMPOUND_TEAM, teamName: '幸福里小区服务队', open: 3, overdue: 0, onDuty: 3, openPerOnDuty: 1, specialUncovered: 0, gap: -21, membersNeeded: 0 });
const lent: Secondment = {
  id: '00000000-0000-4000-8000-0000000000e1',
  teamId: VILLAGE_TEAM,
  teamName: '槐树庄服务队',
  userId: MEMBER,
  userName: '赵文博',
  fromTeamId: COMPOUND_TEAM,
  fromTeamName: '幸福里小区服务队',
  until: '2026-12-11T10:00:00.000Z',
  reason: '槐树庄人手不够',
  createdById: secretary.id,
  createdAt: '2026-12-04T10:00:00.000Z',
  endedAt: null,
};

type Sent = { method: string; url: string; data?: unknown };
function answer(me: Me, state: { seconded: boolean }, sent: Sent[]) {
  taro.request.mockImplementation(async ({ url, method = 'GET', data }) => {
    sent.push({ method, url, data });
    if (url.endsWith('/api/v1/me')) return { statusCode: 200, data: me };
    if (url.includes('/api/v1/metrics/staffing')) {
      const items = state.seconded ? [row({ onDuty: 2, seconded: 1, gap: -5, membersNeeded: 0, openPerOnDuty: 2.5 }), compound] : [village, compound];
      return { statusCode: 200, data: { at: '2026-12-04T10:00:00.000Z', items: me.roles.includes('leader') ? [compound] : items } };
    }
    if (method === 'GET' && url.includes(`/teams/${VILLAGE_TEAM}/secondments`)) return { statusCode: 200, data: { items: state.seconded ? [lent] : [] } };
    if (method === 'GET' && url.includes(`/teams/${COMPOUND_TEAM}/members`)) {
      return {
        statusCode: 200,
        data: {
          items: [
            { id: MEMBER, name: '赵文博', phone: null, role: 'member', dutyRoles: [], active: true, availability: 'on_duty', backupMemberId: null, availabilityNote: null },
            { id: '00000000-0000-4000-8000-0000000000c3', name: '王离岗', phone: null, role: 'member', dutyRoles: [], active: true, availability: 'off_duty', backupMemberId: null, availabilityNote: null },
          ],
        },
      };
    }
    if (method === 'POST' && url.includes(`/teams/${VILLAGE_TEAM}/secondments`)) {
      state.seconded = true;
      return { statusCode: 201, data: lent };
    }
    if (method === 'DELETE' && url.includes(`/teams/${VILLAGE_TEAM}/secondments`)) {
      state.seconded = false;
      return { statusCode: 200, data: { ...lent, endedAt: '2026-12-05T10:00:00.000Z' } };
    }
    throw new Error(`unexpected ${method} ${url}`);
  });
}

const mount = () =>
  render(
    <AppProvider>
      <StaffingPage />
    </AppProvider>,
  );

describe('the 力量缺口 screen', () => {
  afterEach(() => setTokens(null));

  it('when the secretary opens it, then 槐树庄 is on top with its gap in words, and seconding a member of the quieter team sends who, until when and why', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', secretary);
    const sent: Sent[] = [];
    answer(secretary, { seconded: false }, sent);
    mount();
    const cards = await screen.findAllByTestId('staffing-row');
    expect(within(cards[0]!).getByText('槐树庄')).toBeTruthy();
    expect(within(cards[0]!).getByText('缺口 3，需借调 1 人')).toBeTruthy();
    expect(within(cards[0]!).getByText(/在办 5 件 · 超时 5 件 · 在岗 1 人/)).toBeTruthy();
    expect(within(cards[0]!).getByText(/无人包保的重点人员 1 人/)).toBeTruthy();
    expect(within(cards[1]!).getByText('人手有余（还能接 21 件）')).toBeTruthy();
    // Only a team short of hands offers 借调; every team opens its members' load.
    expect(within(cards[1]!).queryByTestId('lend')).toBeNull();
    fireEvent.click(within(cards[1]!).getByTestId('staffing-team'));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/team/index?teamId=${COMPOUND_TEAM}&name=${encodeURIComponent('幸福里小区服务队')}` });

    fireEvent.click(within(cards[0]!).getByTestId('lend'));
    fireEvent.click(await screen.findByText(/幸福里小区 · 幸福里小区服务队/));
    // Only members on duty can be lent.
    expect(await screen.findByText('赵文博')).toBeTruthy();
    expect(screen.queryByText('王离岗')).toBeNull();
    fireEvent.click(screen.getByTestId('lend-submit'));
    expect(await screen.findByText('请选择要借调的队员。')).toBeTruthy();
    fireEvent.click(screen.getByText('赵文博'));
    fireEvent.click(screen.getByText('14 天'));
    fireEvent.click(screen.getByTestId('lend-submit'));
    await waitFor(() => expect(sent.some((r) => r.method === 'POST')).toBe(true));
    const post = sent.find((r) => r.method === 'POST')!;
    expect(post.url).toContain(`/api/v1/teams/${VILLAGE_TEAM}/secondments`);
    const body = post.data as { userId: string; until: string; reason: string };
    expect(body.userId).toBe(MEMBER);
    expect(body.reason).toBe('槐树庄人手不够');
    const days = (new Date(body.until).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13);
    expect(days).toBeLessThan(15);

    // The list comes back with the secondment, which can be ended early.
    expect(await screen.findByText(/借调：赵文博（幸福里小区服务队）/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('end-secondment'));
    await waitFor(() => expect(sent.some((r) => r.method === 'DELETE')).toBe(true));
    expect(sent.find((r) => r.method === 'DELETE')!.url).toContain(`userId=${MEMBER}`);
    await waitFor(() => expect(screen.queryByTestId('secondment')).toBeNull());
  });

  it('when a leader opens it, then their own team only, and nothing to second', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', leader);
    answer(leader, { seconded: false }, []);
    mount();
    const cards = await screen.findAllByTestId('staffing-row');
    expect(cards).toHaveLength(1);
    expect(within(cards[0]!).getByText('幸福里小区')).toBeTruthy();
    expect(screen.queryByTestId('lend')).toBeNull();
  });

  it('when the figures are put in words and the end date worked out, then they say what a secretary needs', () => {
    expect(gapWords({ gap: 9, membersNeeded: 2, onDuty: 0 })).toBe('无人在岗，缺口 9，需借调 2 人');
    expect(gapWords({ gap: 0, membersNeeded: 0, onDuty: 2 })).toBe('人手刚好够');
    // 3 days from a Beijing morning: that day's 18:00 Beijing time.
    expect(untilAfter(3, new Date('2026-12-04T01:00:00Z'))).toBe('2026-12-07T10:00:00.000Z');
    // Late in the Beijing evening (still 4 Dec in UTC) counts from the Beijing day.
    expect(untilAfter(1, new Date('2026-12-04T17:00:00Z'))).toBe('2026-12-06T10:00:00.000Z');
  });
});
