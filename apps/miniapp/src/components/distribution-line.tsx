import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { MyDistributions } from '@minhu/contracts';
import { api, messageOf } from '../services/api';
import { humanTime } from '../services/format';
import { Notice } from './notice';
import { Tap } from './tap';

type Round = MyDistributions['items'][number];

/**
 * The resident's line of the latest distribution round (健康包按户发放): on its way, or recorded
 * at their door by whom and when, with 没有收到 to say it never came (the leader hears of it).
 */
export function DistributionLine() {
  const [round, setRound] = useState<Round | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  useDidShow(() => {
    api.listMyDistributions().then((r) => setRound(r.items[0] ?? null), () => undefined);
  });
  if (!round) return null;
  const h = round.household;
  const what = round.items.map((i) => `${i.name} ${i.quantity}${i.unit}`).join('、');

  const notReceived = async () => {
    try {
      const line = await api.reportDistributionNotReceived({ params: { id: round.distributionId }, body: {} });
      setRound({ ...round, household: line });
      setSent(true);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <View className='card mt-16' data-testid='my-distribution' data-status={h.status}>
      <View className='row'>
        <Text className='strong grow'>📦 {round.name}</Text>
        <Text className='muted'>{h.status === 'delivered' ? '已发放' : '发放中'}</Text>
      </View>
      <View className='muted'>每户：{what}</View>
      {h.status === 'delivered' ? (
        <View>
          <View>
            {h.deliveredByName ?? '服务队员'} {h.deliveredAt ? humanTime(h.deliveredAt) : ''} 已送到您家
          </View>
          <Tap className='btn small mt-12' onTap={() => void notReceived()} data-testid='not-received'>
            没有收到
          </Tap>
        </View>
      ) : (
        <View>{sent ? '已告诉服务队长，会尽快为您补发。' : '服务队正在按户上门发放，请在家等候。'}</View>
      )}
      {error && <Notice kind='error'>{error}</Notice>}
    </View>
  );
}
