import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { ListTicketsQuery } from '@minhu/contracts';
import { api } from '../services/api';
import { useApp } from '../store';
import { TicketList } from './ticket-list';
import { InboxLink } from './inbox-link';
import { ROUTES } from '../routes';
import { useShown } from './shown';
import { Tap } from './tap';

type Queue = 'unclaimed' | 'mine' | 'overdue' | 'incoming';

const QUERIES: Record<Queue, ListTicketsQuery> = {
  unclaimed: { scope: 'team', status: 'assigned', limit: 20 },
  mine: { scope: 'assigned', open: true, limit: 20 },
  overdue: { scope: 'team', open: true, overdue: true, limit: 20 },
  incoming: { scope: 'incoming', limit: 20 },
};
const EMPTY: Record<Queue, string> = {
  unclaimed: '没有待签收的求助。新的求助会自动出现在这里。',
  mine: '没有分派给您、未办结的求助。',
  overdue: '没有超时的求助，保持住！',
  incoming: '没有转交给本队、等待接收的求助。',
};
const TITLES: Record<Queue, string> = {
  unclaimed: '待签收（超时、紧急的在前）',
  mine: '分派给我的',
  overdue: '超时未办结',
  incoming: '转交给本队，待接收（打开后接收或拒收）',
};

/** A member's home: counters on top, then the queue with 签收 right on each card. */
export function MemberHome({ visits }: { visits?: number }) {
  const { me } = useApp();
  const [queue, setQueue] = useState<Queue>('unclaimed');
  const [counts, setCounts] = useState<Record<Queue, number | null>>({ unclaimed: null, mine: null, overdue: null, incoming: null });

  const count = useCallback(async () => {
    try {
      // Exact counts in one request (not the length of a page of each queue).
      setCounts(await api.countTickets());
    } catch {
      // The list below shows the error.
    }
  }, []);
  useShown(count, visits);

  const counter = (q: Queue, label: string) => (
    <Tap className={`counter ${queue === q ? 'on' : ''}`} onTap={() => setQueue(q)} data-testid={`counter-${q}`}>
      <View className={`n ${q === 'overdue' && counts.overdue ? 'late' : ''}`}>{counts[q] ?? '–'}</View>
      <Text>{label}</Text>
    </Tap>
  );

  return (
    <View>
      <View className='section muted'>
        {me?.teams.map((t) => `${t.name}${t.role === 'leader' ? '（队长）' : ''}`).join('、')}
      </View>
      <View className='mt-8'>
        <InboxLink visits={visits} />
        {me?.teams
          .filter((t) => t.role === 'leader')
          .map((t) => (
            <Tap key={t.id} className='list-item' onTap={() => Taro.navigateTo({ url: `${ROUTES.stats}?teamId=${t.id}` })} data-testid='team-stats'>
              <Text>📊 {t.name} 统计</Text>
              <Text className='muted'>›</Text>
            </Tap>
          ))}
      </View>
      {(counts.incoming ?? 0) > 0 && (
        <Tap className={`list-item ${queue === 'incoming' ? 'on' : ''}`} onTap={() => setQueue('incoming')} data-testid='incoming-handoffs'>
          <Text>📥 转交待接收 {counts.incoming} 条</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      <View className='counters'>
        {counter('unclaimed', '待签收')}
        {counter('mine', '我的')}
        {counter('overdue', '超时')}
      </View>
      <View className='section-title'>{TITLES[queue]}</View>
      <TicketList query={QUERIES[queue]} forMember empty={EMPTY[queue]} onLoaded={() => void count()} visits={visits} />
    </View>
  );
}
