import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Errand } from '@minhu/contracts';
import { api, messageOf } from '../../../services/api';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { Tap } from '../../../components/tap';
import '../../logistics.scss';

/** One errand: the shopping list summed by name and unit, then each ticket with 送达. */
export default function ErrandPage() {
  const { id } = useRouter().params as { id: string };
  const [errand, setErrand] = useState<Errand | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setErrand(await api.getErrand({ params: { id } }));
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [id]);
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const deliver = async (ticketId: string) => {
    setBusy(ticketId);
    try {
      setErrand(await api.deliverErrandTicket({ params: { id }, body: { ticketId } }));
      Taro.showToast({ title: '已送达，已办结', icon: 'success' });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page screen='errand'>
      {error && <Notice kind='error'>{error}</Notice>}
      {!errand && !error && <View className='empty'>加载中…</View>}
      {errand && (
        <View>
          <View className='section-title'>
            <Text>采购清单</Text>
          </View>
          {errand.shoppingList.map((line) => (
            <View key={`${line.name}|${line.unit ?? ''}`} className='card' data-testid='shopping-line'>
              <View className='row'>
                <Text className='strong grow'>{line.name}</Text>
                <Text className='strong'>
                  {line.quantity}
                  {line.unit ?? ''}
                </Text>
              </View>
              <View className='muted'>{line.substitutesAllowed ? '可用同类替代' : '⚠ 有人写了不可替代，请买指定的'}</View>
              {line.for.map((f) => (
                <View key={f.ticketId} className='muted'>
                  {f.forName}（{f.address}）{f.quantity}
                  {line.unit ?? ''}
                  {f.note ? ` · ${f.note}` : ''}
                </View>
              ))}
            </View>
          ))}
          <View className='section-title'>
            <Text>逐单送达</Text>
          </View>
          {errand.tickets.map((t) => (
            <View key={t.id} className={`card household ${t.deliveredAt ? 'done' : ''}`} data-testid='errand-ticket'>
              <View className='address'>{t.address}</View>
              <View className='muted'>
                {t.forName} · {t.number}
              </View>
              {t.deliveredAt ? (
                <View className='muted'>✅ 已送达，已办结</View>
              ) : (
                <Tap className={`btn primary block deliver ${busy === t.id ? 'disabled' : ''}`} disabled={busy !== null} onTap={() => void deliver(t.id)} data-testid='errand-deliver'>
                  {busy === t.id ? '正在办结…' : '送达'}
                </Tap>
              )}
            </View>
          ))}
        </View>
      )}
    </Page>
  );
}
