import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { Page } from '../../components/page';
import { TicketList } from '../../components/ticket-list';
import { Notice } from '../../components/notice';
import { flushOutbox, pendingSubmissions, type Pending } from '../../services/outbox';
import { CATEGORY_LABELS, humanTime } from '../../services/format';
import { useApp } from '../../store';
import type { View as Face } from '../../services/session';
import type { ListTicketsQuery } from '@minhu/contracts';
import { Tap } from '../../components/tap';

const TABS: Record<Face, { key: string; label: string; query: ListTicketsQuery; empty: string }[]> = {
  resident: [
    { key: 'open', label: '进行中', query: { scope: 'filed', open: true }, empty: '没有进行中的求助。' },
    { key: 'all', label: '全部', query: { scope: 'filed' }, empty: '还没有求助。需要帮助时，在首页点一下。' },
  ],
  member: [
    { key: 'unclaimed', label: '待签收', query: { scope: 'team', status: 'assigned' }, empty: '没有待签收的求助。' },
    { key: 'mine', label: '我的', query: { scope: 'assigned', open: true }, empty: '没有分派给您的求助。' },
    { key: 'all', label: '全部', query: { scope: 'team' }, empty: '本队还没有求助。' },
  ],
  secretary: [
    { key: 'overdue', label: '超时', query: { scope: 'area', open: true, overdue: true }, empty: '没有超时的求助。' },
    { key: 'open', label: '未办结', query: { scope: 'area', open: true }, empty: '没有未办结的求助。' },
    { key: 'all', label: '全部', query: { scope: 'area' }, empty: '辖区还没有求助。' },
  ],
};

/** 我的求助 for residents, the work queue for members, the area's tickets for secretaries. */
export default function Requests() {
  const { view } = useApp();
  const tabs = TABS[view];
  const [tab, setTab] = useState(tabs[0]!.key);
  const [pending, setPending] = useState<Pending[]>([]);
  const current = tabs.find((t) => t.key === tab) ?? tabs[0]!;

  useDidShow(() => {
    setPending(pendingSubmissions());
    void flushOutbox().then(() => setPending(pendingSubmissions()));
  });

  return (
    <Page>
      <View className='tabs'>
        {tabs.map((t) => (
          <Tap key={t.key} className={`tab ${t.key === current.key ? 'on' : ''}`} onTap={() => setTab(t.key)}>
            {t.label}
          </Tap>
        ))}
      </View>
      {view === 'resident' && pending.length > 0 && (
        <View>
          <Notice>以下求助因网络问题还没送达，联网后会自动提交，不会重复提交。</Notice>
          {pending.map((p) => (
            <View key={p.key} className='card ticket-card'>
              <Text className='badge pending'>待发送</Text>
              <View className='title'>
                {p.body.callBack ? '📞 请回电' : `${CATEGORY_LABELS[p.body.category ?? 'help']}：${(p.body.description ?? '').split('\n')[0]}`}
              </View>
              <View className='meta'>
                保存于 {humanTime(new Date(p.savedAt).toISOString())} · {p.lastError}
              </View>
            </View>
          ))}
        </View>
      )}
      <View className='spacer' />
      <TicketList key={`${view}-${current.key}`} query={{ ...current.query, limit: 20 }} forMember={view === 'member'} empty={current.empty} />
    </Page>
  );
}
