import { View } from '@tarojs/components';
import { useApp } from '../store';
import { Dashboard } from './dashboard';
import { InboxLink } from './inbox-link';

/** A secretary's (or admin's) overview of their area. */
export function SecretaryHome({ visits }: { visits?: number }) {
  const { me } = useApp();
  return (
    <View>
      <View className='section muted'>{me?.areas.map((a) => a.name).join('、') || '全部辖区'} · 督办总览</View>
      <InboxLink visits={visits} />
      <Dashboard visits={visits} />
    </View>
  );
}
