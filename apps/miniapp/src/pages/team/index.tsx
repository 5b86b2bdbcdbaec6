import Taro, { useDidShow, useLoad, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { MemberLoad } from '@minhu/contracts';
import { api, messageOf } from '../../services/api';
import { listPage } from '../../routes';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { Tap } from '../../components/tap';

/** One team's members and their load: open and overdue now, claimed and resolved in 30 days. */
export default function Team() {
  const { teamId = '', name = '' } = useRouter().params;
  const [members, setMembers] = useState<MemberLoad['items'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useLoad(() => {
    void Taro.setNavigationBarTitle({ title: decodeURIComponent(name) || '服务队队员' });
  });
  useDidShow(() => {
    api.metricsMembers({ query: { teamId } }).then(
      (r) => setMembers(r.items),
      (e: unknown) => setError(messageOf(e)),
    );
  });
  return (
    <Page>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='section muted'>在办、超时为当前数；签收、办结为近 30 天</View>
      {members?.map((m) => (
        <View key={m.userId} className='card' data-testid='member-row'>
          <View className='row'>
            <Text className='strong'>
              {m.name}
              {m.role === 'leader' ? '（队长）' : ''}
              {!m.active ? '（暂停）' : ''}
            </Text>
            <Text className={m.overdue ? 'due late' : 'muted'}>超时 {m.overdue}</Text>
          </View>
          <Text className='muted'>
            在办 {m.open} · 签收 {m.claimed} · 办结 {m.resolved}
          </Text>
        </View>
      ))}
      {members?.length === 0 && <View className='empty'>这个服务队还没有队员。</View>}
      <View className='section'>
        <Tap
          className='btn block'
          onTap={() =>
            Taro.navigateTo({ url: listPage({ scope: 'area', open: true, teamId }, '未办结的求助') })
          }
        >
          查看本队未办结的求助
        </Tap>
      </View>
    </Page>
  );
}
