import Taro from '@tarojs/taro';
import { View } from '@tarojs/components';
import { useState } from 'react';
import { api, messageOf } from '../../services/api';
import { fullTime } from '../../services/format';
import type { Invite } from '@minhu/contracts';
import { joinLink } from '../../services/invite';
import { load, save } from '../../services/storage';
import { Notice } from '../../components/notice';
import '../org.scss';
import './invite-tab.scss';
import { Tap } from '../../components/tap';

const VALIDITY = [
  { hours: 24, label: '1 天' },
  { hours: 72, label: '3 天' },
  { hours: 168, label: '7 天' },
];
const USES = [1, 5, 20, 50];

/** The last code made for a team, kept on this phone until it expires (the API does not list them). */
const keyOf = (teamId: string) => `minhu.invite.${teamId}`;
function lastInvite(teamId: string, now = Date.now()): Invite | null {
  const invite = load<Invite | null>(keyOf(teamId), null);
  return invite && Date.parse(invite.expiresAt) > now ? invite : null;
}

/** 双报到: a code (and link) that lets someone ask to join; the leader approves each request. */
export function InviteTab({ teamId }: { teamId: string }) {
  const [invite, setInvite] = useState<Invite | null>(() => lastInvite(teamId));
  const [hours, setHours] = useState(72);
  const [uses, setUses] = useState(20);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const made = await api.createInvite({ params: { id: teamId }, body: { hours, maxUses: uses } });
      save(keyOf(teamId), made);
      setInvite(made);
      Taro.showToast({ title: '已生成邀请码', icon: 'success' });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const link = invite ? joinLink(invite.code) : '';
  return (
    <View>
      {invite && (
        <View className='card mt-16' data-testid='invite'>
          <View className='muted invite-caption'>
            邀请码
          </View>
          <View className='invite-code' data-testid='invite-code'>
            {invite.code}
          </View>
          <View className='muted invite-caption'>
            有效期至 {fullTime(invite.expiresAt)}，最多 {invite.maxUses} 人使用
          </View>
          <View className='gap'>加入链接：</View>
          <Tap className='break link' data-testid='invite-link' onTap={() => void Taro.setClipboardData({ data: link })}>
            {link}
          </Tap>
          <View className='btn-row gap'>
            <Tap className='btn small' onTap={() => void Taro.setClipboardData({ data: invite.code })}>
              复制邀请码
            </Tap>
            <Tap className='btn small' onTap={() => void Taro.setClipboardData({ data: link })}>
              复制链接
            </Tap>
          </View>
          <View className='muted gap'>
            把邀请码或链接发给要加入的人（在职党员双报到、志愿者）。对方打开链接，或在「我的 › 用邀请码加入服务队」输入邀请码后申请；申请出现在本页上方，您同意后才成为队员。
          </View>
        </View>
      )}
      <View className='section-title'>{invite ? '再生成一个' : '生成入队邀请码'}</View>
      <View className='card'>
        <View className='field'>
          <View className='label'>有效期</View>
          <View className='choice-row'>
            {VALIDITY.map((v) => (
              <Tap key={v.hours} className={`choice ${hours === v.hours ? 'on' : ''}`} onTap={() => setHours(v.hours)}>
                {v.label}
              </Tap>
            ))}
          </View>
        </View>
        <View className='field'>
          <View className='label'>最多几人使用</View>
          <View className='choice-row'>
            {USES.map((n) => (
              <Tap key={n} className={`choice ${uses === n ? 'on' : ''}`} onTap={() => setUses(n)}>
                {n} 人
              </Tap>
            ))}
          </View>
        </View>
        {error && <Notice kind='error'>{error}</Notice>}
        <Tap className={`btn primary block ${busy ? 'disabled' : ''}`} onTap={() => !busy && void create()} data-testid='create-invite'>
          {busy ? '生成中…' : '生成邀请码'}
        </Tap>
        {invite && <View className='muted gap'>生成新的邀请码后，旧的在有效期内仍可使用。</View>}
      </View>
    </View>
  );
}
