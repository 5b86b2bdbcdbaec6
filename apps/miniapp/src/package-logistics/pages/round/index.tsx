import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Distribution, DistributionHousehold } from '@minhu/contracts';
import { SPECIAL_TAG_LABELS } from '@minhu/domain';
import { api, ApiError, messageOf } from '../../../services/api';
import { humanTime } from '../../../services/format';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { Tap } from '../../../components/tap';
import { useApp } from '../../../store';
import { Progress } from '../../progress';
import '../../logistics.scss';

const PAGE = 50;

/**
 * One round: the progress (all, and per building, which filters the list), then the doors in
 * walking order, special households first, each with one big 已发放 button for the members of
 * the team covering it.
 */
export default function Round() {
  const { id } = useRouter().params as { id: string };
  const { me } = useApp();
  const [round, setRound] = useState<Distribution | null>(null);
  const [doors, setDoors] = useState<DistributionHousehold[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [building, setBuilding] = useState<string | null>(null);
  const [pendingOnly, setPendingOnly] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const myTeams = new Set(me?.teams.map((t) => t.id) ?? []);

  const load = useCallback(
    async (filter: { building: string | null; pendingOnly: boolean }, after?: string) => {
      try {
        const [summary, page] = await Promise.all([
          api.getDistribution({ params: { id } }),
          api.listDistributionHouseholds({
            params: { id },
            query: { limit: PAGE, status: filter.pendingOnly ? 'pending' : undefined, areaId: filter.building ?? undefined, cursor: after },
          }),
        ]);
        setRound(summary);
        setDoors((current) => (after && current ? [...current, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(messageOf(e));
      }
    },
    [id],
  );
  useDidShow(() => void load({ building, pendingOnly }));
  usePullDownRefresh(() => void load({ building, pendingOnly }).finally(() => Taro.stopPullDownRefresh()));

  const filter = (next: { building: string | null; pendingOnly: boolean }) => {
    setBuilding(next.building);
    setPendingOnly(next.pendingOnly);
    setDoors(null);
    void load(next);
  };

  const deliver = async (door: DistributionHousehold) => {
    setBusy(door.id);
    try {
      const done = await api.recordDistributionDelivery({ params: { id }, body: door.householdAreaId ? { householdAreaId: door.householdAreaId } : { lineId: door.id } });
      Taro.showToast({ title: '已登记发放', icon: 'success' });
      setDoors((current) => (current ?? []).map((d) => (d.id === done.id ? done : d)));
      setRound(await api.getDistribution({ params: { id } }));
    } catch (e) {
      // Someone else was at the door first: say who, and show the door as it is.
      setError(e instanceof ApiError && e.code === 'ALREADY_DELIVERED' ? e.message : messageOf(e));
      void load({ building, pendingOnly });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page screen='distribution'>
      {error && <Notice kind='error'>{error}</Notice>}
      {round && (
        <View className='card mt-16' data-testid='round-summary'>
          <View className='strong'>{round.name}</View>
          <View className='muted'>
            {round.areaName} · 每户 {round.items.map((i) => `${i.name} ${i.quantity}${i.unit}`).join('、')}
          </View>
          <View className='big-figure'>
            {round.delivered} / {round.total} 户
          </View>
          <Progress delivered={round.delivered} total={round.total} missing={round.reportedMissing} />
          {round.unitsWithoutHouseholds.length > 0 && (
            <Notice>
              这些单元台账里没有住户，请补登后另发：{round.unitsWithoutHouseholds.map((u) => u.address).join('、')}
            </Notice>
          )}
        </View>
      )}
      {round && round.buildings.length > 1 && (
        <View>
          <View className='section-title'>
            <Text>各楼栋进度</Text>
            {building && (
              <Tap inline className='more' onTap={() => filter({ building: null, pendingOnly })}>
                全部楼栋
              </Tap>
            )}
          </View>
          {round.buildings.map((b) => (
            <Tap
              key={b.areaId}
              className={`card building-row ${building === b.areaId ? 'on' : ''}`}
              pressed={building === b.areaId}
              onTap={() => filter({ building: building === b.areaId ? null : b.areaId, pendingOnly })}
              data-testid='building-progress'
            >
              <View className='strong'>{b.name}</View>
              <Progress delivered={b.delivered} total={b.total} missing={b.reportedMissing} />
            </Tap>
          ))}
        </View>
      )}
      <View className='section'>
        <View className='choice-row'>
          <Tap className={`choice ${pendingOnly ? 'on' : ''}`} pressed={pendingOnly} onTap={() => filter({ building, pendingOnly: true })}>
            未发放
          </Tap>
          <Tap className={`choice ${pendingOnly ? '' : 'on'}`} pressed={!pendingOnly} onTap={() => filter({ building, pendingOnly: false })}>
            全部
          </Tap>
        </View>
      </View>
      {doors === null && !error && <View className='empty'>加载中…</View>}
      {doors?.length === 0 && <View className='empty'>{pendingOnly ? '这里的每一户都已发放。' : '这里没有要发放的住户。'}</View>}
      <View className='mt-16'>
        {doors?.map((d) => (
          <View key={d.id} className={`card household ${d.status === 'delivered' ? 'done' : ''}`} data-testid='household' data-status={d.status}>
            <View className='row'>
              <Text className='address grow'>{d.address}</Text>
              {d.priority && <Text className='priority-badge'>重点户</Text>}
            </View>
            {(d.residentNames.length > 0 || d.specialTags.length > 0) && (
              <View className='muted'>
                {d.residentNames.join('、')}
                {d.specialTags.length > 0 ? `（${d.specialTags.map((t) => SPECIAL_TAG_LABELS[t]).join('、')}）` : ''}
              </View>
            )}
            {d.reportedMissingAt && d.status === 'pending' && (
              <View className='muted'>
                居民 {humanTime(d.reportedMissingAt)} 反映未收到{d.reportedMissingNote ? `：${d.reportedMissingNote}` : ''}，请补发
              </View>
            )}
            {d.status === 'delivered' ? (
              <View className='muted'>
                ✅ 已发放 · {d.deliveredByName} · {d.deliveredAt ? humanTime(d.deliveredAt) : ''}
              </View>
            ) : (
              d.teamId &&
              myTeams.has(d.teamId) && (
                <Tap className={`btn primary block deliver ${busy === d.id ? 'disabled' : ''}`} disabled={busy !== null} onTap={() => void deliver(d)} data-testid='deliver'>
                  {busy === d.id ? '正在登记…' : '已发放'}
                </Tap>
              )
            )}
          </View>
        ))}
      </View>
      {cursor && (
        <View className='section'>
          <Tap className='btn block' onTap={() => void load({ building, pendingOnly }, cursor)}>
            加载更多住户
          </Tap>
        </View>
      )}
    </Page>
  );
}
