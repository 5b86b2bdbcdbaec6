import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me } from '@minhu/contracts';
import Join from '../src/pages/join/index';
import { setTokens } from '../src/services/api';
import { pendingInvite } from '../src/services/invite';
import { AppProvider } from '../src/store';
import { routerParams, taro } from './taro-mock';

const TEAM = '00000000-0000-4000-8000-0000000000b1';
const me = (teams: Me['teams'] = []): Me => ({
  id: '00000000-0000-4000-8000-0000000000c1',
  name: '钱阿姨',
  phone: '15900001234',
  roles: ['resident'],
  teams,
  areas: [],
  home: null,
  specialTags: [],
  pendingTags: [],
});
const invite = (valid = true) => ({ code: 'QDQ4QNFZ', teamId: TEAM, teamName: '幸福里小区民呼我行党员服务队', expiresAt: '2026-12-01T10:00:00.000Z', valid });

type Answer = { statusCode: number; data: unknown };
/** The API as the page sees it: one answer per "METHOD path". */
function api(answers: Record<string, Answer>) {
  taro.request.mockImplementation(async ({ url, method = 'GET' }) => {
    const key = `${method} ${url.replace('/api/v1', '')}`;
    const answer = answers[key];
    if (!answer) throw new Error(`unexpected request ${key}`);
    return answer;
  });
}
const sent = () => taro.request.mock.calls.map(([o]) => `${o.method ?? 'GET'} ${o.url.replace('/api/v1', '')}`);

const renderJoin = (code: string) => {
  routerParams.code = code;
  return render(
    <AppProvider>
      <Join />
    </AppProvider>,
  );
};

describe('the join page (用邀请码加入服务队)', () => {
  afterEach(() => setTokens(null));

  it('when signed in with a valid code, then it shows the team; 申请加入 asks to join and says the leader approves', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    api({
      'GET /invites/QDQ4QNFZ': { statusCode: 200, data: invite() },
      'GET /me': { statusCode: 200, data: me() },
      'POST /invites/QDQ4QNFZ/join': { statusCode: 201, data: { id: 'j-1', teamId: TEAM, teamName: '幸福里小区民呼我行党员服务队', status: 'pending' } },
    });
    renderJoin('qdq4qnfz');
    expect(await screen.findByText('幸福里小区民呼我行党员服务队')).toBeTruthy();
    fireEvent.click(screen.getByTestId('join'));
    expect(await screen.findByText(/已申请加入“幸福里小区民呼我行党员服务队”，等待队长审核/)).toBeTruthy();
    expect(sent()).toContain('POST /invites/QDQ4QNFZ/join');
    expect(screen.queryByTestId('join')).toBeNull();
  });

  it('when the person already asked, then the API’s own words are shown (409), not a generic error', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    api({
      'GET /invites/QDQ4QNFZ': { statusCode: 200, data: invite() },
      'GET /me': { statusCode: 200, data: me() },
      'POST /invites/QDQ4QNFZ/join': { statusCode: 409, data: { error: { code: 'ALREADY_REQUESTED', message: '您已申请加入，等待队长审核。' } } },
    });
    renderJoin('QDQ4QNFZ');
    fireEvent.click(await screen.findByTestId('join'));
    expect(await screen.findByText('您已申请加入，等待队长审核。')).toBeTruthy();
  });

  it('when the code has expired, then it says so and offers no 申请加入', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    api({ 'GET /invites/QDQ4QNFZ': { statusCode: 200, data: invite(false) }, 'GET /me': { statusCode: 200, data: me() } });
    renderJoin('QDQ4QNFZ');
    expect(await screen.findByText('这个邀请码已过期或已用完，请向队长要一个新的。')).toBeTruthy();
    expect(screen.queryByTestId('join')).toBeNull();
  });

  it('when the person is already on the team, then it says so', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    api({
      'GET /invites/QDQ4QNFZ': { statusCode: 200, data: invite() },
      'GET /me': { statusCode: 200, data: me([{ id: TEAM, name: '幸福里小区民呼我行党员服务队', role: 'member', areaId: TEAM }]) },
    });
    renderJoin('QDQ4QNFZ');
    expect(await screen.findByText('您已是这支服务队的队员。')).toBeTruthy();
    expect(screen.queryByTestId('join')).toBeNull();
  });

  it('when there is no such code, then it says which code was not found', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    api({
      'GET /invites/ZZZZ2222': { statusCode: 404, data: { error: { code: 'NOT_FOUND', message: '邀请码不存在或无权查看' } } },
      'GET /me': { statusCode: 200, data: me() },
    });
    renderJoin('ZZZZ2222');
    expect(await screen.findByText('没有找到邀请码 ZZZZ2222，请核对后重试，或向队长要一个新的。')).toBeTruthy();
  });

  it('when nobody is signed in, then it asks to sign in first and remembers the code for after', async () => {
    renderJoin('QDQ4QNFZ');
    fireEvent.click(await screen.findByTestId('sign-in-to-join'));
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' }));
    expect(pendingInvite()).toBe('QDQ4QNFZ');
    expect(taro.request).not.toHaveBeenCalled();
  });
});
