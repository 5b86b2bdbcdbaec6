import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Ticket } from '@minhu/contracts';
import { TicketBadges } from '../src/components/badges';
import { TicketCard } from '../src/components/ticket-card';
import { aTicket } from './fixtures';
import { taro } from './taro-mock';

const MINUTE = 60_000;
// The fixture was filed at 06:00Z, due to be claimed by 06:30Z; "now" is five minutes later.
const now = new Date(Date.parse('2026-11-28T06:05:00.000Z'));

describe('TicketBadges', () => {
  it.each([
    ['assigned', '待签收'],
    ['claimed', '已签收'],
    ['in_progress', '办理中'],
    ['resolved', '已办结'],
    ['closed', '已完成'],
    ['cancelled', '已取消'],
  ] as const)('when the status is %s, then it reads %s', (status, words) => {
    render(<TicketBadges ticket={{ status, overdue: false, urgency: 'normal' }} />);
    expect(screen.getByText(words)).toBeTruthy();
    expect(screen.queryByText('超时')).toBeNull();
  });

  it('when the ticket is overdue, then a 超时 badge shows next to the status', () => {
    render(<TicketBadges ticket={{ status: 'assigned', overdue: true, urgency: 'normal' }} />);
    expect(screen.getByText('待签收')).toBeTruthy();
    expect(screen.getByText('超时').className).toContain('overdue');
  });

  it('when it is an emergency, then it shows 紧急; when urgent, 加急; when normal, neither', () => {
    const { rerender } = render(<TicketBadges ticket={{ status: 'assigned', overdue: false, urgency: 'emergency' }} />);
    expect(screen.getByText(/紧急/)).toBeTruthy();
    rerender(<TicketBadges ticket={{ status: 'assigned', overdue: false, urgency: 'urgent' }} />);
    expect(screen.getByText('加急')).toBeTruthy();
    expect(screen.queryByText(/紧急/)).toBeNull();
    rerender(<TicketBadges ticket={{ status: 'assigned', overdue: false, urgency: 'normal' }} />);
    expect(screen.queryByText('加急')).toBeNull();
    expect(screen.queryByText(/紧急/)).toBeNull();
  });
});

describe('TicketCard', () => {
  const card = () => screen.getByTestId('ticket-card');

  it('when shown to the resident, then it gives status, age, what was asked, the countdown and who is on it', () => {
    render(<TicketCard ticket={aTicket()} now={now} />);
    expect(card().textContent).toContain('待签收');
    expect(card().textContent).toContain('5分钟前');
    expect(card().textContent).toContain('💊 购药：需要：硝苯地平缓释片 2盒');
    // Only the first line of the description is on the card.
    expect(card().textContent).not.toContain('送到楼下');
    expect(screen.getByText('剩余 25 分钟')).toBeTruthy();
    expect(card().textContent).toContain('服务队：幸福小区服务队');
  });

  it('when a member is handling it, then the resident sees that person; when no team yet, that one is being found', () => {
    const { rerender } = render(<TicketCard ticket={aTicket({ status: 'claimed', assignee: { id: 'u-9', name: '李四', phone: null } })} now={now} />);
    expect(card().textContent).toContain('处理人：李四');
    rerender(<TicketCard ticket={aTicket({ team: null, teamId: null })} now={now} />);
    expect(card().textContent).toContain('正在安排服务队');
  });

  it('when the claim deadline has passed, then it shows the 超时 badge and how late it is', () => {
    const late = new Date(Date.parse('2026-11-28T06:30:00.000Z') + 65 * MINUTE);
    render(<TicketCard ticket={aTicket({ overdue: true })} now={late} />);
    expect(screen.getByText('超时')).toBeTruthy();
    const due = screen.getByText('已超时 1 小时 5 分钟');
    expect(due.className).toContain('late');
  });

  it('when there is no deadline (done), then the ticket number shows instead of a countdown', () => {
    render(<TicketCard ticket={aTicket({ status: 'closed', dueAt: null })} now={now} />);
    expect(screen.getByText('已完成')).toBeTruthy();
    expect(screen.getByText('MH20261128-0001')).toBeTruthy();
    expect(card().textContent).not.toMatch(/剩余|已超时/);
  });

  it('when it is an emergency, then the card says 紧急', () => {
    render(<TicketCard ticket={aTicket({ urgency: 'emergency' })} now={now} />);
    expect(screen.getByText(/紧急/)).toBeTruthy();
  });

  it('when tapped, then it opens the ticket; to a screen reader and a keyboard it is a button', () => {
    render(<TicketCard ticket={aTicket()} now={now} />);
    const open = card().querySelector('.open')!;
    expect(open.getAttribute('role')).toBe('button');
    expect(open.getAttribute('tabindex')).toBe('0');
    fireEvent.click(open);
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=00000000-0000-4000-8000-000000000001' });
  });

  describe('for a member', () => {
    const claimable = (overrides: Partial<Ticket> = {}) => aTicket({ actions: ['claim', 'note'], ...overrides });

    it('when shown to a member, then it gives the address and who filed it, or for whom', () => {
      const { rerender } = render(<TicketCard ticket={aTicket()} forMember now={now} />);
      expect(card().textContent).toContain('📍 幸福小区 3号楼 2单元 501 · 张三');
      rerender(
        <TicketCard
          ticket={aTicket({ beneficiary: { userId: null, personId: null, name: '王奶奶', phone: null, areaId: null } })}
          forMember
          now={now}
        />,
      );
      expect(card().textContent).toContain('王奶奶 (张三代)');
    });

    it('when the member may claim it, then a 签收 button is on the card, and tapping it claims without opening the ticket', () => {
      const onClaim = vi.fn();
      const ticket = claimable();
      render(<TicketCard ticket={ticket} forMember onClaim={onClaim} now={now} />);
      fireEvent.click(screen.getByText('签收'));
      expect(onClaim).toHaveBeenCalledTimes(1);
      expect(onClaim).toHaveBeenCalledWith(ticket);
      expect(taro.navigateTo).not.toHaveBeenCalled();
    });

    it('when claim is not among the actions, then there is no 签收 button', () => {
      render(<TicketCard ticket={claimable({ actions: ['note', 'resolve'] })} forMember onClaim={vi.fn()} now={now} />);
      expect(screen.queryByText('签收')).toBeNull();
    });

    it('when the card is shown to a resident, then there is no 签收 button even if claim is allowed', () => {
      render(<TicketCard ticket={claimable()} onClaim={vi.fn()} now={now} />);
      expect(screen.queryByText('签收')).toBeNull();
    });

    it('when a claim is on its way, then the button says 签收中… and a second tap does nothing', () => {
      const onClaim = vi.fn();
      render(<TicketCard ticket={claimable()} forMember onClaim={onClaim} claiming now={now} />);
      fireEvent.click(screen.getByText('签收中…'));
      expect(onClaim).not.toHaveBeenCalled();
      expect(taro.navigateTo).not.toHaveBeenCalled();
    });
  });
});
