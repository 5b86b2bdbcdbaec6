import Taro from '@tarojs/taro';
import { Text } from '@tarojs/components';
import { useState } from 'react';
import { api } from '../services/api';
import { ROUTES } from '../routes';
import { useShown } from './shown';
import { Tap } from './tap';

/** 🔔 消息, with how many are unread. */
export function InboxLink({ visits }: { visits?: number }) {
  const [unread, setUnread] = useState(0);
  useShown(() => api.listNotifications({ query: { limit: 1 } }).then((r) => setUnread(r.unreadCount), () => undefined), visits);
  return (
    <Tap className='list-item' onTap={() => Taro.navigateTo({ url: ROUTES.inbox })} data-testid='inbox-link'>
      <Text>🔔 消息</Text>
      <Text className={unread ? 'badge overdue' : 'muted'}>{unread ? `${unread} 条未读` : '›'}</Text>
    </Tap>
  );
}
