import { Input, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { AreaItem } from '@minhu/contracts';
import { api, messageOf } from '../services/api';
import { Notice } from './notice';
import { Tap } from './tap';

export interface PickedAddress {
  areaId: string;
  label: string;
}

const SELECTABLE = new Set(['compound', 'building', 'unit', 'household']);

/**
 * Picking an address the way people say it: search the compound by name (or walk down from the
 * district), then the building, then the unit. Grids are skipped by the API.
 */
export function AddressPicker({ onPick }: { onPick: (address: PickedAddress) => void }) {
  const [trail, setTrail] = useState<AreaItem[]>([]);
  const [items, setItems] = useState<AreaItem[]>([]);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const last = trail[trail.length - 1];
  useEffect(() => {
    let alive = true;
    setLoading(true);
    const search = query.trim() ? { q: query.trim() } : last ? { parentId: last.id } : {};
    api.listAreas({ query: search }).then(
      ({ items: next }) => {
        if (!alive) return;
        setItems(next);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!alive) return;
        setError(messageOf(e));
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
  }, [last, query]);

  const label = (chain: AreaItem[]) => {
    const from = chain.findIndex((a) => a.kind === 'compound');
    return chain.slice(from === -1 ? 0 : from).map((a) => a.name).join(' ');
  };

  const choose = (item: AreaItem) => {
    const chain = query.trim() ? [item] : [...trail, item];
    setQuery('');
    if (item.hasChildren) setTrail(chain);
    else onPick({ areaId: item.id, label: label(chain) });
  };

  return (
    <View className='address-picker'>
      <View className='field'>
        <Input nativeProps={{ 'aria-label': '搜索小区名称' }}
          className='input'
          placeholder='搜索小区名称，如“幸福里”'
          value={query}
          onInput={(e) => setQuery(e.detail.value)}
          data-testid='address-search'
        />
      </View>
      {trail.length > 0 && !query && (
        <View className='row wrap mb-8'>
          <Text className='muted'>
            已选：{trail.map((a) => a.name).join(' › ')}
          </Text>
          <Tap inline className='link' onTap={() => setTrail(trail.slice(0, -1))}>
            返回上一级
          </Tap>
        </View>
      )}
      {last && SELECTABLE.has(last.kind) && !query && (
        <Tap className='btn small block' onTap={() => onPick({ areaId: last.id, label: label(trail) })}>
          就选“{last.name}”（不细到下一级）
        </Tap>
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      {loading && items.length === 0 && <View className='empty'>加载中…</View>}
      {!loading && items.length === 0 && !error && <View className='empty'>没有找到，换个名称试试</View>}
      <View>
        {items.map((item) => (
          <Tap key={item.id} className='list-item' onTap={() => choose(item)} data-testid='area-option'>
            <Text>
              {item.name}
              {item.parentName ? <Text className='muted'>（{item.parentName}）</Text> : null}
            </Text>
            <Text className='muted'>{item.hasChildren ? '›' : '选择'}</Text>
          </Tap>
        ))}
      </View>
    </View>
  );
}
