import Taro, { useDidHide, usePullDownRefresh } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ListTicketsQuery, Ticket } from '@minhu/contracts';
import { api, messageOf } from '../services/api';
import { ROUTES } from '../routes';
import { TicketCard } from './ticket-card';
import { Notice } from './notice';
import { useShown } from './shown';
import { Tap } from './tap';

/**
 * A list of tickets from listTickets with the given query, refreshed when shown, on pull-down,
 * and every 30 s while open (members watch their queue). Claiming happens on the card; a lost
 * race says who won and refreshes.
 */
export function TicketList({
  query,
  forMember = false,
  empty,
  onLoaded,
  visits,
}: {
  query: ListTicketsQuery;
  forMember?: boolean;
  empty: string;
  onLoaded?: (items: Ticket[]) => void;
  /** The page's count of showings, when the list mounts after its page showed (components/shown.ts). */
  visits?: number;
}) {
  const [items, setItems] = useState<Ticket[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [claiming, setClaiming] = useState<string | null>(null);
  const [now, setNow] = useState(new Date());
  const visible = useRef(true);
  // Held in a ref: a new callback each render must not reload the list.
  const loaded = useRef(onLoaded);
  loaded.current = onLoaded;

  // By value: a caller's new object with the same query must not reload the list.
  const key = JSON.stringify(query);
  const load = useCallback(async () => {
    try {
      const page = await api.listTickets({ query: JSON.parse(key) as ListTicketsQuery });
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(null);
      setNow(new Date());
      loaded.current?.(page.items);
    } catch (e) {
      setError(`${messageOf(e)} 下拉可重新加载。`);
    }
  }, [key]);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);
  useShown(() => {
    visible.current = true;
    return load();
  }, visits);
  useDidHide(() => {
    visible.current = false;
  });
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });
  useEffect(() => {
    const timer = setInterval(() => visible.current && void load(), 30_000);
    return () => clearInterval(timer);
  }, [load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api.listTickets({ query: { ...query, cursor } });
      setItems([...(items ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const claim = async (ticket: Ticket) => {
    setClaiming(ticket.id);
    try {
      // No version: a lost race should say who won (已被XX签收), not just that something changed.
      await api.claimTicket({ params: { id: ticket.id } });
      Taro.showToast({ title: '已签收', icon: 'success' });
      Taro.navigateTo({ url: `${ROUTES.ticket}?id=${ticket.id}` });
    } catch (e) {
      Taro.showToast({ title: messageOf(e), icon: 'none', duration: 2500 });
    } finally {
      setClaiming(null);
      void load();
    }
  };

  return (
    <View>
      {error && <Notice kind='error'>{error}</Notice>}
      {items === null && !error && <View className='empty'>加载中…</View>}
      {items?.length === 0 && <View className='empty'>{empty}</View>}
      {items?.map((t) => (
        <TicketCard key={t.id} ticket={t} forMember={forMember} onClaim={claim} claiming={claiming === t.id} now={now} />
      ))}
      {cursor && (
        <View className='section'>
          <Tap className='btn block' onTap={more}>
            加载更多
          </Tap>
        </View>
      )}
    </View>
  );
}
