import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Secondment, Staffing } from '@minhu/contracts';
import { api, messageOf } from '../../../services/api';
import { fullTime } from '../../../services/format';
import { OneOf } from '../../../components/choices';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { Tap } from '../../../components/tap';
import { useApp } from '../../../store';
import { ROUTES } from '../../../routes';
import '../../logistics.scss';

type Row = Staffing['items'][number];
type Member = Awaited<ReturnType<typeof api.listTeamMembers>>['items'][number];

const DAYS = ['3', '7', '14', '30'] as const;
const DAY_LABELS: Record<(typeof DAYS)[number], string> = { '3': '3 天', '7': '7 天', '14': '14 天', '30': '30 天' };

/** 借调到何时: that many days from now, at 18:00 Beijing time (the end of a working day). */
export function untilAfter(days: number, now = new Date()): string {
  const day = new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return new Date(`${day}T18:00:00+08:00`).toISOString();
}


/** What the gap says in words: short of hands by how much, or room to spare. */
export function gapWords(row: Pick<Row, 'gap' | 'membersNeeded' | 'onDuty'>): string {
  if (row.gap > 0) return row.onDuty === 0 ? `无人在岗，缺口 ${row.gap}，需借调 ${row.membersNeeded} 人` : `缺口 ${row.gap}，需借调 ${row.membersNeeded} 人`;
  if (row.gap === 0) return '人手刚好够';
  return `人手有余（还能接 ${-row.gap} 件）`;
}

/**
 * 力量缺口 ("摸清……防控工作力量缺口，将工作力量迅速向……倾斜"): each compound's team, the largest gap
 * first, with its open and overdue needs, members on duty and key persons nobody answers for. A
 * secretary (or admin) seconds a member of a quieter team to one short of hands until a date, and
 * ends a secondment early; a leader sees their own team's figures.
 */
export default function StaffingPage() {
  const { me } = useApp();
  const seconds = !!me && (me.roles.includes('admin') || me.roles.includes('secretary'));
  const [rows, setRows] = useState<Row[] | null>(null);
  const [lent, setLent] = useState<Record<string, Secondment[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [lendingTo, setLendingTo] = useState<Row | null>(null);

  const load = useCallback(async () => {
    try {
      const { items } = await api.metricsStaffing({ query: {} });
      setRows(items);
      const running = await Promise.all(items.filter((r) => r.seconded > 0).map(async (r) => [r.teamId, (await api.listSecondments({ params: { id: r.teamId } })).items] as const));
      setLent(Object.fromEntries(running));
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const end = async (s: Secondment) => {
    const { confirm } = await Taro.showModal({ title: '提前结束借调', content: `${s.userName}将回到${s.fromTeamName ?? '原服务队'}，不再接${s.teamName}的派单。`, confirmText: '结束借调' });
    if (!confirm) return;
    try {
      await api.endSecondment({ params: { id: s.teamId }, query: { userId: s.userId } });
      Taro.showToast({ title: '已结束借调', icon: 'none' });
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <Page screen='staffing'>
      <View className='section muted'>缺口 = 在办 + 超时 + 无人包保的重点人员 − 在岗队员 × 8。大于 0 就是人手不够，按缺口从大到小排。</View>
      {error && <Notice kind='error'>{error}</Notice>}
      {rows === null && !error && <View className='empty'>加载中…</View>}
      {rows?.length === 0 && <View className='empty'>您所管的区域还没有服务队。</View>}
      {lendingTo && rows && (
        <Lend
          to={lendingTo}
          from={rows.filter((r) => r.teamId !== lendingTo.teamId).sort((a, b) => a.gap - b.gap)}
          onDone={(made) => {
            setLendingTo(null);
            if (made) void load();
          }}
        />
      )}
      {rows?.map((r) => (
        <View key={r.teamId} className={`card staffing ${r.gap > 0 ? 'short' : ''}`} data-testid='staffing-row'>
          <View className='row'>
            <Text className='strong grow'>{r.areaName}</Text>
            <Text className={`big-figure ${r.gap > 0 ? 'danger-text' : ''}`}>{r.gap > 0 ? `−${r.gap}` : '✓'}</Text>
          </View>
          <View className='muted'>{r.teamName}</View>
          <View className={r.gap > 0 ? 'strong danger-text' : ''}>{gapWords(r)}</View>
          <View>
            在办 {r.open} 件 · 超时 {r.overdue} 件 · 在岗 {r.onDuty} 人{r.seconded > 0 ? `（含借调 ${r.seconded} 人）` : ''}
          </View>
          <View>
            人均在办 {r.openPerOnDuty === null ? '—' : r.openPerOnDuty} 件 · 无人包保的重点人员 {r.specialUncovered} 人
          </View>
          {(lent[r.teamId] ?? []).map((s) => (
            <View key={s.id} className='row mt-12' data-testid='secondment'>
              <Text className='grow'>
                借调：{s.userName}（{s.fromTeamName ?? '其他服务队'}），到 {fullTime(s.until)}
              </Text>
              {seconds && (
                <Tap className='btn small' onTap={() => void end(s)} data-testid='end-secondment'>
                  提前结束
                </Tap>
              )}
            </View>
          ))}
          <Tap className='btn small mt-12' onTap={() => Taro.navigateTo({ url: `${ROUTES.team}?teamId=${r.teamId}&name=${encodeURIComponent(r.teamName)}` })} data-testid='staffing-team'>
            看队员负荷 ›
          </Tap>
          {seconds && r.gap > 0 && !lendingTo && (
            <Tap className='btn primary block mt-12' onTap={() => setLendingTo(r)} data-testid='lend'>
              借调队员到这里
            </Tap>
          )}
        </View>
      ))}
    </Page>
  );
}

/** The form: which team lends (the roomiest first), which member, until when, why. */
function Lend({ to, from, onDone }: { to: Row; from: Row[]; onDone: (made: boolean) => void }) {
  const [teamId, setTeamId] = useState<string | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const [days, setDays] = useState<(typeof DAYS)[number]>('7');
  const [reason, setReason] = useState(`${to.areaName}人手不够`);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const pickTeam = async (id: string) => {
    setTeamId(id);
    setUserId(null);
    setMembers(null);
    try {
      setMembers((await api.listTeamMembers({ params: { id } })).items.filter((m) => m.active && m.availability === 'on_duty'));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const submit = async () => {
    if (!userId) return setError('请选择要借调的队员。');
    if (!reason.trim()) return setError('请写一句借调的原因。');
    setSending(true);
    try {
      const made = await api.createSecondment({ params: { id: to.teamId }, body: { userId, until: untilAfter(Number(days)), reason: reason.trim() } });
      Taro.showToast({ title: `已借调${made.userName}，到 ${fullTime(made.until)}`, icon: 'none' });
      onDone(true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <View className='section' data-testid='lend-form'>
      <View className='strong'>借调到：{to.teamName}</View>
      <View className='field'>
        <View className='label'>从哪支服务队借（人手有余的在前）</View>
        {from.map((r) => (
          <Tap key={r.teamId} className={`list-item ${teamId === r.teamId ? 'on' : ''}`} onTap={() => void pickTeam(r.teamId)} data-testid='lend-from'>
            <Text className='grow'>
              {teamId === r.teamId ? '✓ ' : ''}
              {r.areaName} · {r.teamName}
            </Text>
            <Text className='muted'>{gapWords(r)}</Text>
          </Tap>
        ))}
      </View>
      {teamId && (
        <View className='field'>
          <View className='label'>借调哪位在岗队员</View>
          {members === null && <View className='muted'>加载中…</View>}
          {members?.length === 0 && <View className='muted'>这支队现在没有在岗的队员。</View>}
          {members?.map((m) => (
            <Tap key={m.id} className={`list-item ${userId === m.id ? 'on' : ''}`} onTap={() => setUserId(m.id)} data-testid='lend-member'>
              <Text className='grow'>
                {userId === m.id ? '✓ ' : ''}
                {m.name}
                {m.role === 'leader' ? '（队长）' : ''}
              </Text>
            </Tap>
          ))}
        </View>
      )}
      <View className='field'>
        <View className='label'>借调多久（到期自动结束）</View>
        <OneOf options={DAYS} labels={DAY_LABELS} value={days} onChange={setDays} />
      </View>
      <View className='field'>
        <View className='label'>原因</View>
        <Input nativeProps={{ 'aria-label': '借调的原因' }} className='input' value={reason} maxlength={200} onInput={(e) => setReason(e.detail.value)} />
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => onDone(false)}>
          取消
        </Tap>
        <Tap className={`btn primary ${sending ? 'disabled' : ''}`} disabled={sending} onTap={() => void submit()} data-testid='lend-submit'>
          {sending ? '正在借调…' : '确定借调'}
        </Tap>
      </View>
    </View>
  );
}
