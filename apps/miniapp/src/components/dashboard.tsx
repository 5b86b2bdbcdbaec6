import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { DailySeries, MetricsSummary } from '@minhu/contracts';
import { api, messageOf } from '../services/api';
import { listPage } from '../routes';
import { Notice } from './notice';
import './dashboard.scss';
import { useShown } from './shown';
import { Tap } from './tap';

const SPANS = [
  { key: 'today', label: '今天', days: 0 },
  { key: 'week', label: '近 7 天', days: 6 },
  { key: 'month', label: '近 30 天', days: 29 },
] as const;
type Span = (typeof SPANS)[number]['key'];

export const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);
/** Seconds in words: "12 分钟", "3.5 小时". */
export function minutes(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} 分钟`;
  return `${(seconds / 3600).toFixed(seconds < 36000 ? 1 : 0)} 小时`;
}

const DAY = 86_400_000;
const CHINA_OFFSET = 8 * 3600_000; // China keeps UTC+8 all year

/** Days are China days whatever the phone's time zone, as the API counts them. */
function windowOf(span: Span, now: Date): { from: string; to: string } {
  const days = SPANS.find((s) => s.key === span)!.days;
  const todayStart = Math.floor((now.getTime() + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
  const from = new Date(todayStart - days * DAY);
  return { from: from.toISOString(), to: now.toISOString() };
}

/**
 * The figures a secretary (whole area) or a leader (one team) watches, from the metrics endpoints: the three
 * rates and the medians for today, 7 or 30 days; the daily load; the teams by overdue backlog.
 */
export function Dashboard({ teamId, visits }: { teamId?: string; visits?: number }) {
  const [span, setSpan] = useState<Span>('week');
  const [summary, setSummary] = useState<MetricsSummary | null>(null);
  const [daily, setDaily] = useState<DailySeries | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (which: Span) => {
    const now = new Date();
    const scope = teamId ? { teamId } : {};
    const chartSpan: Span = which === 'month' ? 'month' : 'week';
    try {
      const [s, d] = await Promise.all([
        api.metricsSummary({ query: { ...windowOf(which, now), ...scope } }),
        api.metricsDaily({ query: { ...windowOf(chartSpan, now), ...scope } }),
      ]);
      setSummary(s);
      setDaily(d);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [teamId]);

  useShown(() => load(span), visits);
  const choose = (next: Span) => {
    setSpan(next);
    void load(next);
  };

  const peak = Math.max(1, ...(daily?.items.map((d) => d.created) ?? [1]));
  const listScope = teamId ? ({ scope: 'team', teamId } as const) : ({ scope: 'area' } as const);

  return (
    <View>
      <View className='tabs'>
        {SPANS.map((s) => (
          <Tap key={s.key} className={`tab ${span === s.key ? 'on' : ''}`} onTap={() => choose(s.key)}>
            {s.label}
          </Tap>
        ))}
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {!summary && !error && <View className='empty'>加载中…</View>}
      {summary && (
        <View>
          <View className='rates' data-testid='rates'>
            <View className='rate'>
              <View className='pct'>{percent(summary.responseRate)}</View>
              <View className='what'>响应率</View>
              <View className='means'>按时签收的比例</View>
            </View>
            <View className='rate'>
              <View className='pct'>{percent(summary.resolutionRate)}</View>
              <View className='what'>解决率</View>
              <View className='means'>已办结的比例</View>
            </View>
            <View className='rate'>
              <View className='pct'>{percent(summary.satisfactionRate)}</View>
              <View className='what'>满意率</View>
              <View className='means'>评价满意的比例</View>
            </View>
          </View>
          <View className='counters'>
            <View className='counter'>
              <View className='n'>{summary.total}</View>
              <Text>求助</Text>
            </View>
            <View className='counter'>
              <View className='n'>{summary.resolved}</View>
              <Text>已办结</Text>
            </View>
            <Tap className='counter' onTap={() => Taro.navigateTo({ url: listPage({ ...listScope, open: true, overdue: true }, '超时工单') })} data-testid='overdue-counter'>
              <View className={`n ${summary.overdueOpen ? 'late' : ''}`}>{summary.overdueOpen}</View>
              <Text>超时 ›</Text>
            </Tap>
          </View>
          <View className='card mt-12'>
            <View className='row'>
              <View className='grow'>
                <View className='muted'>签收用时（中位数）</View>
                <View className='strong'>{minutes(summary.medianClaimSeconds)}</View>
                <View className='muted'>90% 在 {minutes(summary.p90ClaimSeconds)} 内</View>
              </View>
              <View className='grow'>
                <View className='muted'>办结用时（中位数）</View>
                <View className='strong'>{minutes(summary.medianResolveSeconds)}</View>
                <View className='muted'>90% 在 {minutes(summary.p90ResolveSeconds)} 内</View>
              </View>
            </View>
          </View>
          {daily && (
            <View>
              <View className='section-title'>每日求助量（{span === 'month' ? '近 30 天' : '近 7 天'}）</View>
              <View className='card'>
                <View className='bars'>
                  {daily.items.map((d) => (
                    <View key={d.date} className='bar'>
                      {daily.items.length <= 7 && <Text>{d.created}</Text>}
                      {/* Inline on purpose: the bar's height is the day's count, data, not a look a class could name. */}
                      <View className='fill' style={{ height: `${(d.created / peak) * 70}%` }} />
                      {/* The day of the month only: "11/26" in 18 px is wider than a bar on a 360-wide phone. */}
                      {daily.items.length <= 7 && <Text className='muted'>{Number(d.date.slice(8))}</Text>}
                    </View>
                  ))}
                </View>
                {daily.items.length > 0 && (
                  <View className='row wrap muted'>
                    <Text>{daily.items[0]!.date.slice(5)}</Text>
                    <Text>最多一天 {peak} 条</Text>
                    <Text>{daily.items.at(-1)!.date.slice(5)}</Text>
                  </View>
                )}
              </View>
            </View>
          )}
          <View className='section-title'>{teamId ? '本队' : '各服务队'}（按超时排序）</View>
          {summary.byTeam.length === 0 && <View className='empty'>这段时间没有求助。</View>}
          {summary.byTeam.map((t) => (
            <Tap
              key={t.teamId ?? 'none'}
              className='list-item'
              onTap={() => t.teamId && Taro.navigateTo({ url: `/pages/team/index?teamId=${t.teamId}&name=${encodeURIComponent(t.teamName)}` })}
              data-testid='team-row'
            >
              <View className='grow'>
                <View>{t.teamName}</View>
                <Text className='muted'>
                  求助 {t.total} · 响应 {percent(t.responseRate)} · 解决 {percent(t.resolutionRate)}
                </Text>
              </View>
              <Text className={t.overdueOpen ? 'due late' : 'muted'}>超时 {t.overdueOpen} ›</Text>
            </Tap>
          ))}
        </View>
      )}
    </View>
  );
}
