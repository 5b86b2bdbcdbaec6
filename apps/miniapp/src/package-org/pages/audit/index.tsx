import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useRef, useState } from 'react';
import { api, ApiError, messageOf } from '../../../services/api';
import { fullTime, humanTime } from '../../../services/format';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { AUDIT_ENTITIES, changeLine, describeAudit, idsToName, type NameBook } from '../../format';
import type { AuditEntry, TeamMemberRow, TeamItem as TeamSummary } from '@minhu/contracts';
import { Tap } from '../../../components/tap';

const PAGE = 30;
/** At most this many look-ups per page of entries, to name areas and members. */
const LOOKUPS = 8;

/** The names the log's ids stand for, found through the API as far as an admin can see. */
class Names implements NameBook {
  teams = new Map<string, string>();
  areas = new Map<string, string>();
  users = new Map<string, string>();
  private looked = new Set<string>();

  team = (id: string) => this.teams.get(id);
  area = (id: string) => this.areas.get(id);
  user = (id: string) => this.users.get(id);

  async learn(entries: readonly AuditEntry[]) {
    if (!this.looked.has('teams')) {
      this.looked.add('teams');
      const { items } = await api.listTeams().catch(() => ({ items: [] as TeamSummary[] }));
      for (const t of items) {
        this.teams.set(t.id, t.name);
        this.areas.set(t.areaId, t.areaName);
      }
    }
    const wanted = idsToName(entries);
    const memberTeams = wanted.memberTeams.filter((id) => !this.looked.has(`m:${id}`)).slice(0, LOOKUPS);
    const areas = wanted.areas.filter((id) => !this.areas.has(id) && !this.looked.has(`a:${id}`)).slice(0, LOOKUPS);
    await Promise.all([
      ...memberTeams.map(async (teamId) => {
        this.looked.add(`m:${teamId}`);
        const { items } = await api.listTeamMembers({ params: { id: teamId } }).catch(() => ({ items: [] as TeamMemberRow[] }));
        for (const m of items) this.users.set(m.id, m.name);
      }),
      ...areas.map(async (areaId) => {
        this.looked.add(`a:${areaId}`);
        const detail = await api.getArea({ params: { id: areaId } }).catch(() => null);
        if (!detail) return;
        this.areas.set(detail.area.id, detail.area.name);
        for (const c of detail.children) this.areas.set(c.id, c.name);
        for (const t of detail.teams) this.teams.set(t.id, t.name);
      }),
    ]);
  }
}

/** 操作记录 (admins): who changed what in the organisation, when, from what to what. */
export default function Audit() {
  const [entity, setEntity] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const names = useRef(new Names());

  const load = useCallback(
    async (kind: string, before?: number) => {
      setLoading(true);
      try {
        const { items } = await api.auditLog({ query: { limit: PAGE, entity: kind || undefined, before } });
        await names.current.learn(items);
        setEntries((current) => (before && current ? [...current, ...items] : items));
        setMore(items.length === PAGE);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError && e.status === 403 ? '只有管理员可以查看操作记录。' : messageOf(e));
      } finally {
        setLoading(false);
      }
    },
    [],
  );
  useDidShow(() => void load(entity));
  usePullDownRefresh(() => void load(entity).finally(() => Taro.stopPullDownRefresh()));

  const choose = (kind: string) => {
    setEntity(kind);
    setEntries(null);
    void load(kind);
  };

  return (
    <Page>
      <View className='section'>
        <View className='choice-row'>
          {AUDIT_ENTITIES.map((e) => (
            <Tap key={e.key} className={`choice ${entity === e.key ? 'on' : ''}`} onTap={() => choose(e.key)} data-entity={e.key}>
              {e.label}
            </Tap>
          ))}
        </View>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {entries === null && !error && <View className='empty'>加载中…</View>}
      {entries?.length === 0 && <View className='empty'>还没有这类操作记录。设置管控级别、调整服务队和队员、安排包保后，会记在这里。</View>}
      <View className='mt-16'>
        {entries?.map((entry) => {
          const view = describeAudit(entry, names.current);
          return (
            <View key={entry.id} className='card' data-testid='audit-entry'>
              <View className='row'>
                <Text className='strong'>{view.action}</Text>
                <Text className='muted'>{humanTime(view.at)}</Text>
              </View>
              {view.target && <View>{view.target}</View>}
              {view.changes.map((c) => (
                <View key={c.label} className='muted'>
                  {changeLine(c)}
                </View>
              ))}
              <View className='muted gap'>
                {view.actor} · {fullTime(view.at)}
              </View>
            </View>
          );
        })}
      </View>
      {more && (
        <View className='section'>
          <Tap className={`btn block ${loading ? 'disabled' : ''}`} onTap={() => !loading && entries && void load(entity, entries[entries.length - 1]!.id)}>
            {loading ? '加载中…' : '加载更早的记录'}
          </Tap>
        </View>
      )}
    </Page>
  );
}
