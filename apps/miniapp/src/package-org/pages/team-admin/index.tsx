import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '@minhu/domain';
import { api, ApiError, messageOf } from '../../../services/api';
import { humanTime } from '../../../services/format';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { useApp } from '../../../store';
import { ROUTES } from '../../../routes';
import { isContactPhone, teamKind } from '../../format';
import type { JoinRequest, TeamMemberRow, TeamItem as TeamSummary } from '@minhu/contracts';
import { MembersTab } from '../../components/members-tab';
import { DutiesTab } from '../../components/duties-tab';
import { InviteTab } from '../../components/invite-tab';
import { SomeOf } from '../../../components/choices';
import { Tap } from '../../../components/tap';

type Tab = 'members' | 'duties' | 'invite';

/**
 * 服务队管理 (`?teamId=`): for the team's leader, and for secretaries and admins above it. The
 * team's details (secretaries and admins may edit them), pending join requests, then members,
 * responsibilities (包保) and invites.
 */
export default function TeamAdmin() {
  const { teamId = '', created } = useRouter().params;
  const { me } = useApp();
  const supervises = Boolean(me?.roles.includes('admin') || me?.roles.includes('secretary'));
  const [team, setTeam] = useState<TeamSummary | null>(null);
  const [members, setMembers] = useState<TeamMemberRow[] | null>(null);
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const [tab, setTab] = useState<Tab>('members');
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [deciding, setDeciding] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [teams, memberList, pending] = await Promise.all([
        api.listTeams(),
        api.listTeamMembers({ params: { id: teamId } }),
        api.listJoinRequests({ params: { id: teamId } }).catch(() => ({ items: [] as JoinRequest[] })),
      ]);
      const found = teams.items.find((t) => t.id === teamId) ?? null;
      if (!found) {
        setError('找不到这个服务队：它可能已停用。');
        return;
      }
      setTeam(found);
      setMembers(memberList.items);
      setRequests(pending.items);
      setError(null);
      void Taro.setNavigationBarTitle({ title: found.name });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? '找不到这个服务队，或您没有管理它的权限。' : messageOf(e));
    }
  }, [teamId]);
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const decide = async (request: JoinRequest, approve: boolean) => {
    if (!approve) {
      const { confirm } = await Taro.showModal({ title: '拒绝申请？', content: `拒绝${request.name}加入本队。对方可以再用新的邀请码申请。`, confirmText: '拒绝' });
      if (!confirm) return;
    }
    setDeciding(request.id);
    try {
      await (approve ? api.approveJoinRequest : api.rejectJoinRequest)({ params: { id: request.id } });
      Taro.showToast({ title: approve ? `${request.name}已入队` : '已拒绝', icon: 'success' });
      await load();
    } catch (e) {
      setError(messageOf(e));
      await load();
    } finally {
      setDeciding(null);
    }
  };

  if (!team || !members) {
    return <Page>{error ? <Notice kind='error'>{error}</Notice> : <View className='empty'>加载中…</View>}</Page>;
  }
  return (
    <Page>
      {created && <Notice kind='ok'>服务队已建立。接下来添加队员（至少一位队长），或生成邀请码请大家申请加入。</Notice>}
      {error && <Notice kind='error'>{error}</Notice>}
      {editing ? (
        <TeamEditor
          team={team}
          onDone={async (result) => {
            setEditing(false);
            if (result === 'deactivated') Taro.navigateBack().catch(() => Taro.reLaunch({ url: ROUTES.me }));
            else if (result === 'saved') await load();
          }}
        />
      ) : (
        <View className='card mt-16' data-testid='team-card'>
          <View className='title-lg'>{team.name}</View>
          <View className='muted'>
            {team.areaName} · {teamKind(team.categories)}
          </View>
          <View className='muted'>{team.phone ? `☎ ${team.phone}` : '未填写服务电话'}</View>
          {supervises && (
            <Tap className='btn small block gap' onTap={() => setEditing(true)} data-testid='edit-team'>
              修改服务队信息
            </Tap>
          )}
        </View>
      )}

      {requests.length > 0 && (
        <View data-testid='join-requests'>
          <View className='section-title'>待审核的入队申请（{requests.length}）</View>
          {requests.map((r) => (
            <View key={r.id} className='card' data-testid='join-request' data-name={r.name}>
              <View className='row'>
                <Text className='strong'>{r.name}</Text>
                <Text className='muted'>{humanTime(r.createdAt)}申请</Text>
              </View>
              <View className='muted'>{r.phone ?? '无手机号'}</View>
              <View className='btn-row gap'>
                <Tap className={`btn small danger ${deciding ? 'disabled' : ''}`} onTap={() => !deciding && void decide(r, false)} data-testid='reject'>
                  拒绝
                </Tap>
                <Tap className={`btn small primary ${deciding ? 'disabled' : ''}`} onTap={() => !deciding && void decide(r, true)} data-testid='approve'>
                  {deciding === r.id ? '处理中…' : '同意入队'}
                </Tap>
              </View>
            </View>
          ))}
        </View>
      )}

      <View className='tabs mt-16'>
        {(
          [
            ['members', `队员 ${members.filter((m) => m.active).length}`],
            ['duties', '包保'],
            ['invite', '邀请入队'],
          ] as const
        ).map(([key, label]) => (
          <Tap key={key} className={`tab ${tab === key ? 'on' : ''}`} onTap={() => setTab(key)} data-tab={key}>
            {label}
          </Tap>
        ))}
      </View>
      {tab === 'members' && <MembersTab teamId={team.id} members={members} onChanged={load} />}
      {tab === 'duties' && <DutiesTab team={team} members={members} />}
      {tab === 'invite' && <InviteTab teamId={team.id} />}
    </Page>
  );
}

/** Secretaries and admins: name, categories, phone; or stop the team. */
function TeamEditor({ team, onDone }: { team: TeamSummary; onDone: (result: 'saved' | 'cancelled' | 'deactivated') => Promise<void> }) {
  const [name, setName] = useState(team.name);
  const [categories, setCategories] = useState<Category[]>(team.categories);
  const [phone, setPhone] = useState(team.phone ?? '');
  const [cap, setCap] = useState(String(team.maxOpenPerMember));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const send = async (body: Record<string, unknown>, done: string, result: 'saved' | 'deactivated') => {
    setSaving(true);
    setError(null);
    try {
      await api.updateTeam({ params: { id: team.id }, body });
      Taro.showToast({ title: done, icon: 'success' });
      await onDone(result);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };
  const save = () => {
    if (!name.trim()) return setError('请填写服务队名称。');
    if (phone.trim() && !isContactPhone(phone.trim())) return setError('电话请填手机号或带区号的固定电话，如 0311-86010001。');
    const maxOpen = Number(cap.trim());
    if (!Number.isInteger(maxOpen) || maxOpen < 1 || maxOpen > 100) return setError('每名队员最多同时办理的件数请填 1 到 100 的整数。');
    const body: Record<string, unknown> = {};
    if (maxOpen !== team.maxOpenPerMember) body.maxOpenPerMember = maxOpen;
    if (name.trim() !== team.name) body.name = name.trim();
    if (categories.length !== team.categories.length || categories.some((c) => !team.categories.includes(c))) body.categories = categories;
    if ((phone.trim() || null) !== team.phone) body.phone = phone.trim() || null;
    if (Object.keys(body).length === 0) return void onDone('cancelled');
    void send(body, '已保存', 'saved');
  };
  const deactivate = async () => {
    const { confirm } = await Taro.showModal({
      title: '停用服务队？',
      content: `“${team.name}”停用后不再接收新的求助，也不能再选为转派对象。已有的求助不受影响。`,
      confirmText: '停用',
      confirmColor: '#C8161D',
    });
    if (confirm) void send({ active: false }, '已停用', 'deactivated');
  };

  return (
    <View className='card mt-16' data-testid='team-editor'>
      <View className='title-lg mb-16'>
        修改服务队信息
      </View>
      <View className='field'>
        <View className='label'>名称</View>
        <Input nativeProps={{ 'aria-label': '服务队名称' }} className='input' value={name} maxlength={50} onInput={(e) => setName(e.detail.value)} />
      </View>
      <View className='field'>
        <View className='label'>负责类别（都不选为综合服务队）</View>
        <SomeOf options={CATEGORIES} labels={CATEGORY_LABELS} value={categories} onChange={setCategories} />
      </View>
      <View className='field'>
        <View className='label'>服务电话</View>
        <Input nativeProps={{ 'aria-label': '服务电话' }} className='input' value={phone} maxlength={20} placeholder='如 0311-86010001' onInput={(e) => setPhone(e.detail.value)} />
      </View>
      <View className='field'>
        <View className='label'>每名队员最多同时办理（件）</View>
        <View className='muted'>没有包保队员的求助自动派给手上工单最少的在岗队员；都到上限时由队长安排。</View>
        <Input nativeProps={{ 'aria-label': '每名队员最多同时办理的件数' }} className='input' type='number' value={cap} maxlength={3} onInput={(e) => setCap(e.detail.value)} />
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => void onDone('cancelled')}>
          取消
        </Tap>
        <Tap className={`btn primary ${saving ? 'disabled' : ''}`} onTap={() => !saving && save()}>
          {saving ? '保存中…' : '保存'}
        </Tap>
      </View>
      <Tap className={`btn small block danger gap ${saving ? 'disabled' : ''}`} onTap={() => !saving && void deactivate()}>
        停用服务队
      </Tap>
    </View>
  );
}
