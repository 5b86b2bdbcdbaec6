import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import { api } from '../services/api';
import { listPage } from '../routes';
import { useApp } from '../store';
import { Dashboard } from './dashboard';
import { InboxLink } from './inbox-link';
import { useShown } from './shown';
import { Tap } from './tap';

/** A secretary's (or admin's) overview of their area, with what waits for their ruling first. */
export function SecretaryHome({ visits }: { visits?: number }) {
  const { me } = useApp();
  const [waiting, setWaiting] = useState<number | null>(null);
  const count = useCallback(async () => {
    try {
      setWaiting((await api.listTickets({ query: { scope: 'approvals', limit: 100 } })).items.length);
    } catch {
      setWaiting(null);
    }
  }, []);
  useShown(count, visits);
  return (
    <View>
      <View className='section muted'>{me?.areas.map((a) => a.name).join('、') || '全部辖区'} · 督办总览</View>
      <InboxLink visits={visits} />
      <Tap
        className='list-item'
        onTap={() => Taro.navigateTo({ url: listPage({ scope: 'approvals' }, '待审批') })}
        data-testid='approvals'
      >
        <Text>📝 待审批（退单、延期、转交）</Text>
        <Text className={waiting ? 'strong' : 'muted'}>{waiting ?? '–'} ›</Text>
      </Tap>
      <Dashboard visits={visits} />
    </View>
  );
}
