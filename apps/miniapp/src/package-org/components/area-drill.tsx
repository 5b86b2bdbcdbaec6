import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../../services/api';
import { Notice } from '../../components/notice';
import { areaKindLabel } from '../format';
import type { AreaItem as AreaSummary } from '@minhu/contracts';
import '../org.scss';
import { Tap } from '../../components/tap';

/** What a member can be responsible for (包网格、包单元、包重点户). Grids are skipped by the API's list. */
const RESPONSIBLE_KINDS = new Set(['grid', 'building', 'unit', 'household']);

export interface PickedArea {
  id: string;
  label: string;
}

/**
 * Walks down from the team's area (楼栋 › 单元 › 户) to the place a member will look after. A
 * place with nothing below is chosen with one tap; one with something below can be chosen as a
 * whole with the "就选" button, or opened.
 */
export function AreaDrill({ rootId, rootName, onPick }: { rootId: string; rootName: string; onPick: (area: PickedArea) => void }) {
  const [trail, setTrail] = useState<AreaSummary[]>([]);
  const [items, setItems] = useState<AreaSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = trail[trail.length - 1];

  useEffect(() => {
    let alive = true;
    setItems(null);
    api.listAreas({ query: { parentId: last?.id ?? rootId } }).then(
      (r) => {
        if (!alive) return;
        setItems(r.items);
        setError(null);
      },
      (e: unknown) => alive && setError(messageOf(e)),
    );
    return () => {
      alive = false;
    };
  }, [last, rootId]);

  const label = (chain: AreaSummary[]) => chain.map((a) => a.name).join(' ');
  const choose = (item: AreaSummary) => {
    if (item.hasChildren) setTrail([...trail, item]);
    else if (RESPONSIBLE_KINDS.has(item.kind)) onPick({ id: item.id, label: label([...trail, item]) });
  };

  return (
    <View data-testid='area-drill'>
      <View className='row wrap'>
        <Text className='muted'>位置：{[rootName, ...trail.map((a) => a.name)].join(' › ')}</Text>
        {trail.length > 0 && (
          <Tap inline className='link' onTap={() => setTrail(trail.slice(0, -1))}>
            返回上一级
          </Tap>
        )}
      </View>
      {last && RESPONSIBLE_KINDS.has(last.kind) && (
        <Tap className='btn small block gap' onTap={() => onPick({ id: last.id, label: label(trail) })} data-testid='pick-whole'>
          就选“{last.name}”整个{areaKindLabel(last.kind)}
        </Tap>
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      {items === null && !error && <View className='empty'>加载中…</View>}
      {items?.length === 0 && <View className='empty'>下面没有更细的楼栋、单元或户了。</View>}
      {items?.map((item) => {
        const selectable = RESPONSIBLE_KINDS.has(item.kind);
        return (
          <Tap key={item.id} className='group-item' onTap={() => choose(item)} data-testid='drill-option'>
            <Text>
              {item.name}
              <Text className='muted'> {areaKindLabel(item.kind, item.compoundType)}</Text>
            </Text>
            <Text className={item.hasChildren ? 'muted' : 'link'}>{item.hasChildren ? '›' : selectable ? '选择' : ''}</Text>
          </Tap>
        );
      })}
    </View>
  );
}
