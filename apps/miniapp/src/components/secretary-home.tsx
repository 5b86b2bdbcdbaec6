import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Ticket } from '@minhu/contracts';
import { get, messageOf } from '../services/api';
import { overviewOf, percent, type Overview } from '../services/overview';
import { useApp } from '../store';
import { Notice } from './notice';

const WINDOWS = [
  { key: 'today', label: '今天', days: 0 },
  { key: 'week', label: '近 7 天', days: 6 },
] as const;

/** Enough of the area's tickets to cover the last week; the metrics endpoint will replace this. */
async function recentTickets(): Promise<Ticket[]> {
  const all: Ticket[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const reply: { items: Ticket[]; nextCursor: string | null } = await get(`/tickets?scope=area&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...reply.items);
    cursor = reply.nextCursor;
    if (!cursor) break;
  }
  return all;
}

/** A secretary's overview: the three rates, today and the week, the daily load, teams by overdue. */
export function SecretaryHome() {
  const { me } = useApp();
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [span, setSpan] = useState<(typeof WINDOWS)[number]['key']>('week');

  useDidShow(() => {
    recentTickets().then(
      (list) => {
        setTickets(list);
        setError(null);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  });

  const now = new Date();
  const days = WINDOWS.find((w) => w.key === span)!.days;
  const since = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  const o: Overview | null = tickets ? overviewOf(tickets, now, since) : null;
  const peak = Math.max(1, ...(o?.daily.map((d) => d.count) ?? [1]));
  const openList = (query: string, title: string) =>
    Taro.navigateTo({ url: `/pages/list/index?query=${encodeURIComponent(query)}&title=${encodeURIComponent(title)}` });

  return (
    <View>
      <View className='section muted'>{me?.areas.map((a) => a.name).join('、') || '全部辖区'} · 督办总览</View>
      <View className='tabs'>
        {WINDOWS.map((w) => (
          <View key={w.key} className={`tab ${span === w.key ? 'on' : ''}`} onClick={() => setSpan(w.key)}>
            {w.label}
          </View>
        ))}
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {!o && !error && <View className='empty'>加载中…</View>}
      {o && (
        <View>
          <View className='rates' data-testid='rates'>
            <View className='rate'>
              <View className='pct'>{percent(o.responseRate)}</View>
              <View className='what'>响应率</View>
              <View className='means'>按时签收的比例</View>
            </View>
            <View className='rate'>
              <View className='pct'>{percent(o.resolutionRate)}</View>
              <View className='what'>解决率</View>
              <View className='means'>已办结的比例</View>
            </View>
            <View className='rate'>
              <View className='pct'>{percent(o.satisfactionRate)}</View>
              <View className='what'>满意率</View>
              <View className='means'>评价满意的比例</View>
            </View>
          </View>
          <View className='counters'>
            <View className='counter'>
              <View className='n'>{o.total}</View>
              <Text>求助</Text>
            </View>
            <View className='counter'>
              <View className='n'>{o.open}</View>
              <Text>未办结</Text>
            </View>
            <View className='counter' onClick={() => openList('scope=area&open=true&overdue=true', '超时工单')} data-testid='overdue-counter'>
              <View className={`n ${o.overdue ? 'late' : ''}`}>{o.overdue}</View>
              <Text>超时 ›</Text>
            </View>
          </View>
          <View className='section muted'>
            签收用时中位数：{o.medianClaimMinutes === null ? '—' : `${Math.round(o.medianClaimMinutes)} 分钟`}
          </View>
          <View className='section-title'>近 7 天求助量</View>
          <View className='card'>
            <View className='bars'>
              {o.daily.map((d) => (
                <View key={d.day} className='bar'>
                  <Text>{d.count}</Text>
                  <View className='fill' style={{ height: `${(d.count / peak) * 70}%` }} />
                  <Text className='muted'>{d.day}</Text>
                </View>
              ))}
            </View>
          </View>
          <View className='section-title'>各服务队积压（按超时排序）</View>
          {o.teams.length === 0 && <View className='empty'>没有未办结的求助。</View>}
          {o.teams.map((t) => (
            <View
              key={t.teamId ?? 'none'}
              className='list-item'
              onClick={() => t.teamId && openList(`scope=area&open=true&teamId=${t.teamId}`, t.teamName)}
            >
              <Text className='grow'>{t.teamName}</Text>
              <Text>
                未办结 {t.open} · <Text className={t.overdue ? 'due late' : ''}>超时 {t.overdue}</Text>
              </Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
