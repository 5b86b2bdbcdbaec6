import { Text, View } from '@tarojs/components';
import type { Ticket } from '@minhu/contracts';
import { STATUS_LABELS } from '../services/format';

/** Status in words and colour; overdue and emergency as their own badges. */
export function TicketBadges({ ticket }: { ticket: Pick<Ticket, 'status' | 'overdue' | 'urgency'> & Partial<Pick<Ticket, 'handoff' | 'returnRequest' | 'extension' | 'possibleDuplicateOf' | 'callBack'>> }) {
  return (
    <View className='badges'>
      <Text className={`badge ${ticket.status}`}>{STATUS_LABELS[ticket.status]}</Text>
      {ticket.overdue && <Text className='badge overdue'>超时</Text>}
      {ticket.urgency === 'emergency' && <Text className='badge emergency'>🚨 紧急</Text>}
      {ticket.urgency === 'urgent' && <Text className='badge urgent'>加急</Text>}
      {ticket.callBack && <Text className='badge urgent'>📞 请回电</Text>}
      {(ticket.possibleDuplicateOf?.length ?? 0) > 0 && <Text className='badge pending'>可能重复</Text>}
      {ticket.handoff && <Text className='badge pending'>转交中</Text>}
      {ticket.returnRequest && <Text className='badge pending'>退单待批</Text>}
      {ticket.extension && <Text className='badge pending'>延期待批</Text>}
    </View>
  );
}
