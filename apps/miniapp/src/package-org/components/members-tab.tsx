import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { AVAILABILITY_LABELS, DUTY_ROLES, DUTY_ROLE_LABELS, TEAM_ROLES, type DutyRole, type TeamRole } from '@minhu/domain';
import { api, messageOf } from '../../services/api';
import { Notice } from '../../components/notice';
import { TEAM_ROLE_LABELS, availabilityLine, isMobile, memberChanges } from '../format';
import type { TeamMemberRow } from '@minhu/contracts';
import { AvailabilityFields, type AvailabilityValue } from './availability-fields';
import { OneOf, SomeOf } from '../../components/choices';
import '../org.scss';
import './members-tab.scss';
import { Tap } from '../../components/tap';

/** The team's members: role, duties, availability; each can be changed; new ones added by phone. */
export function MembersTab({ teamId, members, onChanged }: { teamId: string; members: TeamMemberRow[]; onChanged: () => Promise<void> }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const ordered = [...members].sort((a, b) => Number(b.active) - Number(a.active) || Number(b.role === 'leader') - Number(a.role === 'leader'));
  return (
    <View>
      {!adding ? (
        <View className='section'>
          <Tap className='btn block' onTap={() => setAdding(true)} data-testid='add-member'>
            ＋ 添加队员
          </Tap>
        </View>
      ) : (
        <AddMemberForm teamId={teamId} onDone={async (added) => {
          setAdding(false);
          if (added) await onChanged();
        }} />
      )}
      <View className='section-title'>队员（{members.filter((m) => m.active).length} 人在队）</View>
      {ordered.length === 0 && <View className='empty'>还没有队员。点“添加队员”，或在“邀请入队”里生成邀请码发给大家。</View>}
      {ordered.map((m) =>
        editing === m.id ? (
          <MemberEditor
            key={m.id}
            teamId={teamId}
            member={m}
            team={members}
            onDone={async (saved) => {
              setEditing(null);
              if (saved) await onChanged();
            }}
          />
        ) : (
          <View key={m.id} className='card' data-testid='member-card' data-name={m.name}>
            <View className='row'>
              <View className='grow'>
                <Text className='strong'>{m.name}</Text>
                {m.role === 'leader' && <Text className='badge claimed after-name'>队长</Text>}
                {!m.active && <Text className='badge cancelled after-name'>已离队</Text>}
              </View>
              <Text className={`badge ${m.availability}`}>{AVAILABILITY_LABELS[m.availability]}</Text>
            </View>
            <View className='muted'>
              {m.phone ?? '无手机号'}
              {m.dutyRoles.length > 0 ? ` · ${m.dutyRoles.map((d) => DUTY_ROLE_LABELS[d]).join('、')}` : ''}
            </View>
            {(m.availability !== 'on_duty' || m.availabilityNote) && <View className='muted'>{availabilityLine(m, members)}</View>}
            <Tap className='btn small block gap' onTap={() => setEditing(m.id)} data-testid='edit-member'>
              调整职务、岗位、在岗状态
            </Tap>
          </View>
        ),
      )}
    </View>
  );
}

function MemberEditor({ teamId, member, team, onDone }: { teamId: string; member: TeamMemberRow; team: TeamMemberRow[]; onDone: (saved: boolean) => Promise<void> }) {
  const [role, setRole] = useState<TeamRole>(member.role);
  const [duties, setDuties] = useState<DutyRole[]>(member.dutyRoles);
  const [availability, setAvailability] = useState<AvailabilityValue>({
    availability: member.availability,
    backupMemberId: member.backupMemberId,
    availabilityNote: member.availabilityNote ?? '',
  });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const send = async (changes: ReturnType<typeof memberChanges>, done: string) => {
    setSaving(true);
    setError(null);
    try {
      await api.updateTeamMember({ params: { id: teamId, userId: member.id }, body: changes });
      Taro.showToast({ title: done, icon: 'success' });
      await onDone(true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  const save = () => {
    const changes = memberChanges(member, { role, dutyRoles: duties, active: member.active, ...availability });
    if (Object.keys(changes).length === 0) return void onDone(false);
    void send(changes, '已保存');
  };

  const setActive = async (active: boolean) => {
    const { confirm } = await Taro.showModal({
      title: active ? '恢复在队？' : '移出服务队？',
      content: active ? `${member.name}将重新接收本队的求助。` : `${member.name}将不再接收本队的求助，其包保关系暂停。以后可以恢复。`,
      confirmText: '确定',
    });
    if (confirm) void send({ active }, active ? '已恢复' : '已移出');
  };


  return (
    <View className='card' data-testid='member-editor'>
      <View className='title-lg'>{member.name}</View>
      <View className='muted mb-16'>{member.phone ?? ''}</View>
      <View className='field'>
        <View className='label'>职务</View>
        <OneOf options={TEAM_ROLES} labels={TEAM_ROLE_LABELS} value={role} onChange={setRole} />
      </View>
      <View className='field'>
        <View className='label'>岗位（可多选）</View>
        <SomeOf options={DUTY_ROLES} labels={DUTY_ROLE_LABELS} value={duties} onChange={setDuties} />
      </View>
      <AvailabilityFields value={availability} onChange={setAvailability} team={team} self={member.id} />
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => void onDone(false)}>
          取消
        </Tap>
        <Tap className={`btn primary ${saving ? 'disabled' : ''}`} onTap={() => !saving && save()} data-testid='save-member'>
          {saving ? '保存中…' : '保存'}
        </Tap>
      </View>
      <Tap className={`btn small block danger gap ${saving ? 'disabled' : ''}`} onTap={() => !saving && void setActive(!member.active)}>
        {member.active ? '移出服务队' : '恢复在队'}
      </Tap>
    </View>
  );
}

function AddMemberForm({ teamId, onDone }: { teamId: string; onDone: (added: boolean) => Promise<void> }) {
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const [duties, setDuties] = useState<DutyRole[]>([]);
  const [errors, setErrors] = useState<{ name?: string; phone?: string; form?: string }>({});
  const [saving, setSaving] = useState(false);

  const save = async () => {
    const found = {
      name: name.trim() ? undefined : '请填写姓名。',
      phone: isMobile(phone) ? undefined : '请填写 11 位手机号，队员用它登录。',
    };
    setErrors(found);
    if (found.name || found.phone) return;
    setSaving(true);
    try {
      await api.addTeamMember({ params: { id: teamId }, body: { name: name.trim(), phone: phone.trim(), role, dutyRoles: duties } });
      Taro.showToast({ title: `已添加${name.trim()}`, icon: 'success' });
      await onDone(true);
    } catch (e) {
      setErrors({ form: messageOf(e) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className='card mt-16' data-testid='add-member-form'>
      <View className='title-lg mb-16'>添加队员</View>
      <View className={`field ${errors.name ? 'invalid' : ''}`}>
        <View className='label'>
          姓名 <Text className='required'>*</Text>
        </View>
        <Input nativeProps={{ 'aria-label': '队员姓名' }} className='input' value={name} maxlength={30} onInput={(e) => setName(e.detail.value)} data-testid='member-name' />
        {errors.name && <View className='error'>{errors.name}</View>}
      </View>
      <View className={`field ${errors.phone ? 'invalid' : ''}`}>
        <View className='label'>
          手机号 <Text className='required'>*</Text>
        </View>
        <Input nativeProps={{ 'aria-label': '队员手机号' }} className='input' type='number' value={phone} maxlength={11} onInput={(e) => setPhone(e.detail.value)} data-testid='member-phone' />
        {errors.phone && <View className='error'>{errors.phone}</View>}
      </View>
      <View className='field'>
        <View className='label'>职务</View>
        <OneOf options={TEAM_ROLES} labels={TEAM_ROLE_LABELS} value={role} onChange={setRole} />
      </View>
      <View className='field'>
        <View className='label'>岗位（可多选）</View>
        <SomeOf options={DUTY_ROLES} labels={DUTY_ROLE_LABELS} value={duties} onChange={setDuties} />
      </View>
      <View className='muted mb-16'>此人用这个手机号登录后，就能看到并签收本队的求助。</View>
      {errors.form && <Notice kind='error'>{errors.form}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => void onDone(false)}>
          取消
        </Tap>
        <Tap className={`btn primary ${saving ? 'disabled' : ''}`} onTap={() => !saving && void save()} data-testid='save-new-member'>
          {saving ? '添加中…' : '添加'}
        </Tap>
      </View>
    </View>
  );
}
