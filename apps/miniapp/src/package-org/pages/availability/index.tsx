import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import { AVAILABILITY_LABELS } from '@minhu/domain';
import { api, messageOf } from '../../../services/api';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { useApp } from '../../../store';
import { availabilityLine, memberChanges } from '../../format';
import type { TeamMemberRow } from '@minhu/contracts';
import { AvailabilityFields, type AvailabilityValue } from '../../components/availability-fields';
import { useOnVisit, useVisits } from '../../visits';
import '../../org.scss';
import './index.scss';
import { Tap } from '../../../components/tap';

/**
 * 我的在岗状态: a member says whether they can take requests now, and who covers for them
 * when not — for each of their teams.
 */
export default function Availability() {
  const { me } = useApp();
  const visits = useVisits();
  if (!me) return <Page />;
  return (
    <Page>
      <Notice>不在岗时，新派到您名下的求助会交给您指定的替班队员；没有指定时交给服务队其他在岗队员。</Notice>
      {me.teams.length === 0 && <View className='empty'>您还不是服务队队员。可以在「我的」里用邀请码申请加入服务队。</View>}
      {me.teams.map((t) => (
        <TeamAvailability key={t.id} teamId={t.id} teamName={t.name} meId={me.id} visits={visits} />
      ))}
    </Page>
  );
}

function TeamAvailability({ teamId, teamName, meId, visits }: { teamId: string; teamName: string; meId: string; visits: number }) {
  const [team, setTeam] = useState<TeamMemberRow[] | null>(null);
  const [value, setValue] = useState<AvailabilityValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try {
      const { items } = await api.listTeamMembers({ params: { id: teamId } });
      const self = items.find((m) => m.id === meId);
      setTeam(items);
      if (self) setValue({ availability: self.availability, backupMemberId: self.backupMemberId, availabilityNote: self.availabilityNote ?? '' });
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [teamId, meId]);
  useOnVisit(visits, load);

  const self = team?.find((m) => m.id === meId);
  const save = async () => {
    if (!self || !value) return;
    const changes = memberChanges(self, { role: self.role, dutyRoles: self.dutyRoles, active: self.active, ...value });
    if (Object.keys(changes).length === 0) return void Taro.showToast({ title: '没有改动', icon: 'none' });
    setSaving(true);
    setError(null);
    try {
      await api.updateTeamMember({ params: { id: teamId, userId: meId }, body: changes });
      Taro.showToast({ title: `已设为${AVAILABILITY_LABELS[value.availability]}`, icon: 'success' });
      await load();
    } catch (e) {
      setError(`没有保存：${messageOf(e)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <View>
      <View className='section-title'>{teamName}</View>
      <View className='card' data-testid='team-availability' data-team={teamName}>
        {error && <Notice kind='error'>{error}</Notice>}
        {!team && !error && <View className='empty'>加载中…</View>}
        {team && !self && <View className='muted'>您已不在这支服务队。</View>}
        {self && value && (
          <View>
            <View className='availability-now'>
              现在：<Text className={`badge ${self.availability}`}>{AVAILABILITY_LABELS[self.availability]}</Text>
              {(self.availability !== 'on_duty' || self.availabilityNote) && (
                <View className='muted' data-testid='current-availability'>
                  {availabilityLine(self, team!)}
                </View>
              )}
            </View>
            <AvailabilityFields value={value} onChange={setValue} team={team!} self={meId} />
            <Tap className={`btn primary block ${saving ? 'disabled' : ''}`} onTap={() => !saving && void save()} data-testid='save-availability'>
              {saving ? '保存中…' : '保存'}
            </Tap>
          </View>
        )}
      </View>
    </View>
  );
}
