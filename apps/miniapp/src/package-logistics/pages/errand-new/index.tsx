import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Errand, Ticket } from '@minhu/contracts';
import { api, messageOf } from '../../../services/api';
import { categoryLabel, humanTime } from '../../../services/format';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { Tap } from '../../../components/tap';
import { useApp } from '../../../store';
import { ROUTES } from '../../../routes';
import '../../logistics.scss';

const CATEGORIES = [
  { key: 'medicine', label: '购药' },
  { key: 'supplies', label: '生活物资' },
] as const;

/**
 * 集中采购: the open 购药 or 生活物资 tickets of the member's teams, picked with a tap; one button
 * claims the unclaimed ones and makes one trip with one shopping list. Below, the member's errands.
 */
export default function NewErrand() {
  const { me } = useApp();
  const [category, setCategory] = useState<'medicine' | 'supplies'>('medicine');
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [errands, setErrands] = useState<Errand[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const load = useCallback(async (which: 'medicine' | 'supplies') => {
    try {
      const [queue, mine] = await Promise.all([
        api.listTickets({ query: { scope: 'team', open: true, category: which, limit: 100 } }),
        api.listErrands({ query: { mine: true, limit: 10 } }),
      ]);
      // Those someone else holds cannot go on this trip.
      setTickets(queue.items.filter((t) => t.status === 'assigned' || t.assigneeId === me?.id));
      setErrands(mine.items);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [me?.id]);
  useDidShow(() => void load(category));
  usePullDownRefresh(() => void load(category).finally(() => Taro.stopPullDownRefresh()));

  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };

  const submit = async () => {
    if (picked.size === 0) return setError('请先选择要一起采购的求助。');
    setSending(true);
    try {
      const errand = await api.createErrand({ body: { ticketIds: [...picked] } });
      setPicked(new Set());
      Taro.navigateTo({ url: `${ROUTES.errand}?id=${errand.id}` });
    } catch (e) {
      // All or none: the message names the ticket that could not go.
      setError(messageOf(e));
      void load(category);
    } finally {
      setSending(false);
    }
  };

  return (
    <Page screen='errand-new'>
      <View className='section'>
        <View className='choice-row'>
          {CATEGORIES.map((c) => (
            <Tap
              key={c.key}
              className={`choice ${category === c.key ? 'on' : ''}`}
              pressed={category === c.key}
              onTap={() => {
                setCategory(c.key);
                setPicked(new Set());
                setTickets(null);
                void load(c.key);
              }}
            >
              {c.label}
            </Tap>
          ))}
        </View>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {tickets === null && !error && <View className='empty'>加载中…</View>}
      {tickets?.length === 0 && <View className='empty'>本队现在没有待办的{category === 'medicine' ? '购药' : '生活物资'}求助。</View>}
      <View className='mt-16'>
        {tickets?.map((t) => (
          <Tap key={t.id} className={`card household ${picked.has(t.id) ? 'picked' : ''}`} pressed={picked.has(t.id)} onTap={() => toggle(t.id)} data-testid='errand-pick'>
            <View className='row'>
              <Text className='address grow'>
                {picked.has(t.id) ? '☑' : '☐'} {t.address}
              </Text>
              <Text className='muted'>{categoryLabel(t.category)}</Text>
            </View>
            <View className='muted'>
              {t.items.map((i) => `${i.name} ${i.quantity}${i.unit ?? ''}`).join('、') || t.description.slice(0, 40)}
            </View>
            <View className='muted'>
              {t.number} · {humanTime(t.createdAt)}
              {t.status === 'assigned' ? ' · 待签收' : ' · 我已签收'}
            </View>
          </Tap>
        ))}
      </View>
      {tickets && tickets.length > 0 && (
        <View className='section'>
          <Tap className={`btn primary block ${sending || picked.size === 0 ? 'disabled' : ''}`} disabled={sending} onTap={() => void submit()} data-testid='errand-submit'>
            {sending ? '正在签收…' : `集中采购（${picked.size} 单）`}
          </Tap>
        </View>
      )}
      {errands.length > 0 && (
        <View>
          <View className='section-title'>
            <Text>我的跑腿</Text>
          </View>
          {errands.map((e) => (
            <Tap key={e.id} className='list-item' onTap={() => Taro.navigateTo({ url: `${ROUTES.errand}?id=${e.id}` })} data-testid='errand-link'>
              <Text className='grow'>
                {humanTime(e.createdAt)} · {e.tickets.length} 单 · {e.doneAt ? '已全部送达' : `${e.tickets.filter((t) => t.deliveredAt).length} 单已送达`}
              </Text>
              <Text className='muted'>›</Text>
            </Tap>
          ))}
        </View>
      )}
    </Page>
  );
}
