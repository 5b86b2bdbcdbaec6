import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import { NOTIFY_BY_LABELS, SPECIAL_TAGS, SPECIAL_TAG_LABELS, type SpecialTag } from '@minhu/domain';
import type { Person } from '@minhu/contracts';
import { api, messageOf } from '../../../services/api';
import { humanTime } from '../../../services/format';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { SomeOf } from '../../../components/choices';
import { Tap } from '../../../components/tap';
import { useApp } from '../../../store';
import { useOnVisit, useVisits } from '../../visits';
import '../../org.scss';
import './index.scss';

/**
 * 重点人员: the people of the teams' (or the secretary's) area who have special tags, verified
 * or declared: who they are, their tags, their 包保 member, their open requests and when a
 * member last dealt with them. Leaders, secretaries and admins verify tags here (the API says
 * who may: a refusal shows as the error it is).
 */
export default function People() {
  const { me } = useApp();
  const visits = useVisits();
  const [people, setPeople] = useState<Person[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; tags: SpecialTag[] } | null>(null);
  const mayVerify = !!me && (me.roles.includes('leader') || me.roles.includes('secretary') || me.roles.includes('admin'));

  const load = useCallback(
    async (after: string | null = null) => {
      try {
        const page = await api.listPeople({ query: { ...(all ? {} : { tagged: true }), limit: 50, ...(after ? { cursor: after } : {}) } });
        setPeople((before) => (after && before ? [...before, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(messageOf(e));
      }
    },
    [all],
  );
  // Loads again when the page shows, and when the toggle changes what `load` asks for.
  useOnVisit(visits, load);

  const save = async (id: string, specialTags: SpecialTag[]) => {
    try {
      const updated = await api.setPersonTags({ params: { id }, body: { specialTags } });
      setPeople((list) => list?.map((p) => (p.id === id ? updated : p)) ?? null);
      setEditing(null);
      Taro.showToast({ title: '已核实', icon: 'success' });
    } catch (e) {
      setError(`没有保存：${messageOf(e)}`);
    }
  };

  /** 核实住址: a home the resident set themself, confirmed (then they see their 包保 member's phone). */
  const verifyHome = async (id: string) => {
    try {
      const updated = await api.verifyPersonHome({ params: { id }, body: {} });
      setPeople((list) => list?.map((p) => (p.id === id ? updated : p)) ?? null);
      Taro.showToast({ title: '住址已核实', icon: 'success' });
    } catch (e) {
      setError(`没有核实：${messageOf(e)}`);
    }
  };

  return (
    <Page>
      {/* The page's own margins, as the cards below have. */}
      <View className='row section' data-testid='people-header'>
        <Text className='grow muted'>{all ? '辖区全部人员' : '有特殊情况的人员 (已核实或待核实)'}</Text>
        <Tap className='btn small' onTap={() => setAll(!all)} data-testid='people-toggle'>
          {all ? '只看重点人员' : '看全部'}
        </Tap>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {!people && !error && <View className='empty'>加载中…</View>}
      {people?.length === 0 && <View className='empty'>没有人员。</View>}
      {people?.map((p) => (
        <View key={p.id} className='card' data-testid='person' data-name={p.name}>
          <View className='row'>
            <Text className='grow'>
              {p.name}
              {!p.hasApp && <Text className='muted'>（未用小程序）</Text>}
            </Text>
            {p.phone && !p.phone.includes('*') ? (
              <Tap className='btn small' onTap={() => Taro.makePhoneCall({ phoneNumber: p.phone! })}>
                📞 {p.phone}
              </Tap>
            ) : (
              <Text className='muted'>{p.phone ?? '无电话'}</Text>
            )}
          </View>
          <View className='muted'>
            {p.address}
            {!p.homeVerified && <Text data-testid='home-unverified'>（本人自填，待核实）</Text>}
          </View>
          <View className='badges person-tags'>
            {p.specialTags.map((t) => (
              <Text key={t} className='badge'>
                {SPECIAL_TAG_LABELS[t]}
              </Text>
            ))}
            {p.pendingTags
              .filter((t) => !p.specialTags.includes(t))
              .map((t) => (
                <Text key={t} className='badge' data-testid='pending-tag'>
                  {SPECIAL_TAG_LABELS[t]}（待核实）
                </Text>
              ))}
          </View>
          <View className='mt-8'>包保：{p.responsibleMemberName ?? '未安排'} · 联系方式：{NOTIFY_BY_LABELS[p.notifyBy]}</View>
          <View className='muted'>
            在办求助 {p.openTickets} 件 · 最近联系 {p.lastContactAt ? humanTime(p.lastContactAt) : '暂无'}
          </View>
          {mayVerify && editing?.id !== p.id && (
            <View className='row mt-8'>
              {p.pendingTags.length > 0 && (
                <Tap className='btn small primary' onTap={() => save(p.id, [...new Set([...p.specialTags, ...p.pendingTags])])} data-testid='verify-tags'>
                  核实申报的类别
                </Tap>
              )}
              <Tap className='btn small' onTap={() => setEditing({ id: p.id, tags: [...p.specialTags, ...p.pendingTags.filter((t) => !p.specialTags.includes(t))] })}>
                修改类别
              </Tap>
              {!p.homeVerified && (
                <Tap className='btn small' onTap={() => verifyHome(p.id)} data-testid='verify-home'>
                  核实住址
                </Tap>
              )}
            </View>
          )}
          {editing?.id === p.id && (
            <View className='mt-8'>
              <SomeOf options={SPECIAL_TAGS} labels={SPECIAL_TAG_LABELS} value={editing.tags} onChange={(tags) => setEditing({ id: p.id, tags })} />
              <View className='row mt-8'>
                <Tap className='btn small primary' onTap={() => save(p.id, editing.tags)} data-testid='save-tags'>
                  保存为已核实
                </Tap>
                <Tap className='btn small' onTap={() => setEditing(null)}>
                  取消
                </Tap>
              </View>
            </View>
          )}
        </View>
      ))}
      {cursor && (
        <Tap className='btn block mt-12' onTap={() => load(cursor)}>
          加载更多
        </Tap>
      )}
    </Page>
  );
}
