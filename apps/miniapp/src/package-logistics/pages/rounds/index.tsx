import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Distribution } from '@minhu/contracts';
import { api, messageOf } from '../../../services/api';
import { humanTime } from '../../../services/format';
import { AddressPicker, type PickedAddress } from '../../../components/address-picker';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { Tap } from '../../../components/tap';
import { useApp } from '../../../store';
import { ROUTES } from '../../../routes';
import { Progress } from '../../progress';
import '../../logistics.scss';

interface ItemDraft {
  name: string;
  quantity: string;
  unit: string;
}

const PACK: ItemDraft[] = [{ name: '健康包', quantity: '1', unit: '份' }];

/** 物资发放: the rounds the person can see; leaders, secretaries and admins start one here. */
export default function Rounds() {
  const { me } = useApp();
  const [rounds, setRounds] = useState<Distribution[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const runs = !!me && (me.roles.includes('admin') || me.roles.includes('secretary') || me.teams.some((t) => t.role === 'leader'));

  const load = useCallback(async () => {
    try {
      setRounds((await api.listDistributions({ query: { limit: 50 } })).items);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  return (
    <Page screen='distributions'>
      {runs && !starting && (
        <View className='section'>
          <Tap className='btn primary block' onTap={() => setStarting(true)} data-testid='start-round'>
            ＋ 发起一轮按户发放
          </Tap>
        </View>
      )}
      {starting && (
        <StartRound
          onDone={(round) => {
            setStarting(false);
            if (round) Taro.navigateTo({ url: `${ROUTES.distribution}?id=${round.id}` });
          }}
        />
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      {rounds === null && !error && <View className='empty'>加载中…</View>}
      {rounds?.length === 0 && (
        <View className='empty'>{runs ? '还没有发放轮次。点上面的按钮，选小区或楼栋，每户一行，重点户排在前面。' : '本队还没有要发放的物资。'}</View>
      )}
      <View className='mt-16'>
        {rounds?.map((r) => (
          <Tap key={r.id} className='card' onTap={() => Taro.navigateTo({ url: `${ROUTES.distribution}?id=${r.id}` })} data-testid='round-card'>
            <View className='row'>
              <Text className='strong grow'>{r.name}</Text>
              <Text className='muted'>{humanTime(r.createdAt)}</Text>
            </View>
            <View className='muted'>
              {r.areaName} · {r.items.map((i) => `${i.name} ${i.quantity}${i.unit}`).join('、')}
              {r.view === 'team' ? ' · 本队负责的户' : ''}
            </View>
            <Progress delivered={r.delivered} total={r.total} missing={r.reportedMissing} />
          </Tap>
        ))}
      </View>
    </Page>
  );
}

/** The form: a name, the area (compound, building or unit), the items per household. */
function StartRound({ onDone }: { onDone: (round: Distribution | null) => void }) {
  const [name, setName] = useState('健康包发放');
  const [area, setArea] = useState<PickedAddress | null>(null);
  const [items, setItems] = useState<ItemDraft[]>(PACK);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const set = (index: number, patch: Partial<ItemDraft>) => setItems(items.map((it, i) => (i === index ? { ...it, ...patch } : it)));

  const submit = async () => {
    const parsed = items.map((i) => ({ name: i.name.trim(), quantity: Number(i.quantity), unit: i.unit.trim() }));
    if (!name.trim()) return setError('请填写这一轮的名称，如「第一轮健康包」。');
    if (!area) return setError('请选择发放的小区或楼栋。');
    if (parsed.some((i) => !i.name || !i.unit || !(i.quantity > 0))) return setError('每样物资都要有名称、单位，数量要大于 0。');
    setSending(true);
    try {
      const round = await api.createDistribution({ body: { name: name.trim(), areaId: area.areaId, items: parsed } });
      Taro.showToast({ title: `已发起，共 ${round.total} 户`, icon: 'none' });
      onDone(round);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <View className='section' data-testid='start-form'>
      <View className='field'>
        <View className='label'>名称</View>
        <Input nativeProps={{ 'aria-label': '这一轮的名称' }} className='input' value={name} maxlength={100} onInput={(e) => setName(e.detail.value)} />
      </View>
      <View className='field'>
        <View className='label'>发放范围</View>
        {area ? (
          <View className='row'>
            <Text className='grow'>{area.label}</Text>
            <Tap className='btn small' onTap={() => setArea(null)}>
              重选
            </Tap>
          </View>
        ) : (
          <AddressPicker onPick={setArea} />
        )}
      </View>
      <View className='field'>
        <View className='label'>每户发放</View>
        {items.map((item, index) => (
          <View key={index} className='row mt-12'>
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 样物资的名称` }} className='input grow' value={item.name} maxlength={50} placeholder='物资名称' onInput={(e) => set(index, { name: e.detail.value })} />
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 样物资的数量` }} className='input qty' type='digit' value={item.quantity} onInput={(e) => set(index, { quantity: e.detail.value })} />
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 样物资的单位` }} className='input qty' value={item.unit} maxlength={10} placeholder='单位' onInput={(e) => set(index, { unit: e.detail.value })} />
          </View>
        ))}
        <Tap className='btn small mt-12' onTap={() => setItems([...items, { name: '', quantity: '1', unit: '份' }])}>
          ＋ 再加一样
        </Tap>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => onDone(null)}>
          取消
        </Tap>
        <Tap className={`btn primary ${sending ? 'disabled' : ''}`} disabled={sending} onTap={() => void submit()} data-testid='start-submit'>
          {sending ? '正在生成每户清单…' : '发起发放'}
        </Tap>
      </View>
    </View>
  );
}
