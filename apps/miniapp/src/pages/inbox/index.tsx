import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Notification } from '@minhu/contracts';
import { api, messageOf } from '../../services/api';
import { humanTime } from '../../services/format';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { ROUTES } from '../../routes';
import { Tap } from '../../components/tap';

/** The person's notifications: new requests, claims, overdue reminders; newest first. */
export default function Inbox() {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const page = await api.listNotifications({ query: { limit: 50 } });
      setItems(page.items);
      setUnread(page.unreadCount);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const open = async (n: Notification) => {
    if (!n.readAt) void api.markNotificationRead({ params: { id: n.id } }).catch(() => undefined);
    if (n.ticketId) Taro.navigateTo({ url: `${ROUTES.ticket}?id=${n.ticketId}` });
  };

  return (
    <Page>
      {error && <Notice kind='error'>{error}</Notice>}
      {unread > 0 && (
        <View className='section row'>
          <Text className='muted'>{unread} 条未读</Text>
          <Tap inline className='link' onTap={() => void api.markNotificationsRead().then(load)}>
            全部标为已读
          </Tap>
        </View>
      )}
      {items?.length === 0 && <View className='empty'>还没有消息。</View>}
      {items?.map((n) => (
        <Tap key={n.id} className='card' onTap={() => void open(n)} data-testid='notification'>
          <View className='row'>
            <Text className={n.readAt ? '' : 'strong'}>
              {n.readAt ? '' : '● '}
              {n.title}
            </Text>
            <Text className='muted'>{humanTime(n.createdAt)}</Text>
          </View>
          <Text className='muted'>{n.body}</Text>
        </Tap>
      ))}
    </Page>
  );
}
