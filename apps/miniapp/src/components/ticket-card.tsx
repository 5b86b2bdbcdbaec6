import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Ticket } from '@minhu/contracts';
import { CATEGORY_LABELS, countdown, humanTime } from '../services/format';
import { ROUTES } from '../routes';
import { TicketBadges } from './badges';
import './ticket-card.scss';
import { Tap } from './tap';

export const CATEGORY_ICONS: Record<Ticket['category'], string> = {
  medicine: '💊',
  supplies: '🛒',
  medical: '🏥',
  help: '🤝',
};

/**
 * A ticket in a list. Residents see who is handling it; members see the address, who filed and
 * a 签收 button right on the card.
 */
export function TicketCard({
  ticket,
  forMember = false,
  onClaim,
  claiming = false,
  now = new Date(),
}: {
  ticket: Ticket;
  forMember?: boolean;
  onClaim?: (ticket: Ticket) => void;
  claiming?: boolean;
  now?: Date;
}) {
  const due = countdown(ticket.dueAt, now);
  // A subdistrict's list leaves the need itself out (PIPL's minimum necessary): it shows when opened.
  const firstLine = ticket.detailsHidden ? '（求助内容请打开查看）' : ticket.description.split('\n')[0];
  const open = () => Taro.navigateTo({ url: `${ROUTES.ticket}?id=${ticket.id}` });
  const claimable = forMember && ticket.actions.includes('claim');
  const status = due ? <Text className={`due ${due.overdue ? 'late' : ''}`}>{due.text}</Text> : <Text className='muted'>{ticket.number}</Text>;
  return (
    <View className='card ticket-card' data-testid='ticket-card' data-number={ticket.number}>
      {/* The card opens the ticket; 签收 sits beside it, not inside it (a button in a button is neither, to a screen reader). */}
      <Tap className='open' onTap={open}>
        <View className='row'>
          <TicketBadges ticket={ticket} />
          <Text className='muted'>{humanTime(ticket.createdAt, now)}</Text>
        </View>
        <View className='title'>
          {CATEGORY_ICONS[ticket.category]} {CATEGORY_LABELS[ticket.category]}：{firstLine}
        </View>
        {forMember ? (
          <View className='meta'>
            📍 {ticket.address} · {ticket.beneficiary ? `${ticket.beneficiary.name} (${ticket.filedBy.name}代)` : ticket.filedBy.name}
          </View>
        ) : (
          <View className='meta'>
            {ticket.assignee ? `处理人：${ticket.assignee.name}` : ticket.team ? `服务队：${ticket.team.name}` : '正在安排服务队'}
          </View>
        )}
        {!claimable && status}
      </Tap>
      {claimable && onClaim && (
        <View className='row'>
          {status}
          <Tap className={`btn primary small ${claiming ? 'disabled' : ''}`} disabled={claiming} onTap={() => onClaim(ticket)}>
            {claiming ? '签收中…' : '签收'}
          </Tap>
        </View>
      )}
    </View>
  );
}
