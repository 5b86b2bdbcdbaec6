import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me, Person } from '@minhu/contracts';
import People from '../src/package-org/pages/people/index';
import { setTokens } from '../src/services/api';
import { AppProvider } from '../src/store';
import { storage, taro } from './taro-mock';

const leader: Me = {
  id: '00000000-0000-4000-8000-0000000000c1',
  name: '周志明',
  phone: '13600000010',
  roles: ['resident', 'member', 'leader'],
  teams: [{ id: '00000000-0000-4000-8000-0000000000b1', name: '春晖小区民呼我行党员服务队', role: 'leader', areaId: '00000000-0000-4000-8000-0000000000a1' }],
  areas: [],
  home: null,
  specialTags: [],
  pendingTags: [],
};
const PERSON = '00000000-0000-4000-8000-0000000000d1';
const guiying: Person = {
  id: PERSON,
  name: '孙桂英',
  phone: null,
  areaId: '00000000-0000-4000-8000-0000000000a2',
  address: '春晖小区 1号楼 2单元 102室',
  specialTags: ['elderly'],
  tagsVerified: true,
  homeVerified: true,
  pendingTags: ['elderly', 'living_alone'],
  hasApp: false,
  notifyBy: 'none',
  responsibleMemberId: '00000000-0000-4000-8000-0000000000c2',
  responsibleMemberName: '吴小燕',
  openTickets: 2,
  lastContactAt: null,
};

describe('the 重点人员 screen', () => {
  afterEach(() => setTokens(null));

  it('when the leader opens it, then each person shows tags (pending marked), 包保, open requests; 核实 verifies what was declared', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', leader);
    const sent: { method: string; url: string; data?: unknown }[] = [];
    taro.request.mockImplementation(async ({ url, method = 'GET', data }) => {
      sent.push({ method, url, data });
      if (url.includes('/api/v1/me')) return { statusCode: 200, data: leader };
      if (method === 'GET' && url.includes('/api/v1/people')) return { statusCode: 200, data: { items: [guiying], nextCursor: null } };
      if (method === 'PUT') return { statusCode: 200, data: { ...guiying, specialTags: ['elderly', 'living_alone'], pendingTags: [] } };
      throw new Error(`unexpected ${method} ${url}`);
    });
    render(
      <AppProvider>
        <People />
      </AppProvider>,
    );
    expect(await screen.findByText('孙桂英')).toBeTruthy();
    expect(screen.getByText('独居（待核实）')).toBeTruthy();
    expect(screen.getByText(/包保：吴小燕/)).toBeTruthy();
    expect(screen.getByText(/在办求助 2 件/)).toBeTruthy();
    expect(sent.some((r) => r.method === 'GET' && r.url.includes('tagged=true'))).toBe(true);
    fireEvent.click(await screen.findByTestId('verify-tags'));
    await waitFor(() => expect(screen.queryByText('独居（待核实）')).toBeNull());
    const put = sent.find((r) => r.method === 'PUT')!;
    expect(put.url).toContain(`/api/v1/people/${PERSON}/tags`);
    expect(put.data).toEqual({ specialTags: ['elderly', 'living_alone'] });
    // A home from the register needs no verifying.
    expect(screen.queryByTestId('verify-home')).toBeNull();
  });

  it('when a person set their home themself, then it is marked 待核实 and 核实住址 verifies it', async () => {
    setTokens({ accessToken: 'a', refreshToken: 'r' });
    storage.set('minhu.me', leader);
    const sent: { method: string; url: string; data?: unknown }[] = [];
    const moved = { ...guiying, homeVerified: false };
    taro.request.mockImplementation(async ({ url, method = 'GET', data }) => {
      sent.push({ method, url, data });
      if (url.includes('/api/v1/me')) return { statusCode: 200, data: leader };
      if (method === 'GET' && url.includes('/api/v1/people')) return { statusCode: 200, data: { items: [moved], nextCursor: null } };
      if (method === 'POST') return { statusCode: 200, data: { ...moved, homeVerified: true } };
      throw new Error(`unexpected ${method} ${url}`);
    });
    render(
      <AppProvider>
        <People />
      </AppProvider>,
    );
    expect(await screen.findByTestId('home-unverified')).toBeTruthy();
    fireEvent.click(await screen.findByTestId('verify-home'));
    await waitFor(() => expect(screen.queryByTestId('home-unverified')).toBeNull());
    expect(sent.find((r) => r.method === 'POST')!.url).toContain(`/api/v1/people/${PERSON}/home/verify`);
    expect(screen.queryByTestId('verify-home')).toBeNull();
  });
});
