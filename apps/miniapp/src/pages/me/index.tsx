import Taro, { useDidShow } from '@tarojs/taro';
import { Input, Switch, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Me } from '@minhu/contracts';
import { SPECIAL_TAG_LABELS } from '@minhu/domain';
import { normaliseInviteCode } from '../../services/invite';
import { Page } from '../../components/page';
import { InboxLink } from '../../components/inbox-link';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import type { View as Face } from '../../services/session';
import './index.scss';
import { Tap } from '../../components/tap';

const FACE_LABELS: Record<Face, string> = { resident: '居民', member: '服务队员', secretary: '书记 / 管理' };

/** The person: who they are, where they live, 关怀模式, switching roles, signing out. */
export default function MePage() {
  const { me, view, views, setView, careMode, setCareMode, reloadMe, signOut } = useApp();
  useDidShow(() => {
    void reloadMe().catch(() => undefined);
  });
  if (!me) return <Page />;
  return (
    <Page>
      <View className='card mt-16'>
        <View className='me-name'>{me.name}</View>
        <View className='muted'>{me.phone ?? '未绑定手机号'}</View>
        <View className='mt-8'>
          🏠 {me.home ? `${me.home.address} ${me.home.detail ?? ''}` : '尚未填写住址'}
        </View>
        {me.teams.map((t) => (
          <View key={t.id} className='mt-8' data-testid='my-team'>
            🚩 {t.name}（{t.role === 'leader' ? '队长' : '队员'}）
          </View>
        ))}
        {(me.specialTags.length > 0 || me.pendingTags.length > 0) && (
          <View className='badges mt-8'>
            {me.specialTags.map((t) => (
              <Text key={t} className='badge'>
                {SPECIAL_TAG_LABELS[t]}
              </Text>
            ))}
            {me.pendingTags
              .filter((t) => !me.specialTags.includes(t))
              .map((t) => (
                <Text key={t} className='badge' data-testid='pending-tag'>
                  {SPECIAL_TAG_LABELS[t]}（待核实）
                </Text>
              ))}
          </View>
        )}
        <Tap className='btn small mt-12' onTap={() => Taro.navigateTo({ url: ROUTES.profile })}>
          修改姓名、住址和特殊情况
        </Tap>
      </View>

      <InboxLink />
      <OrgLinks me={me} />

      <View className='card row mt-12'>
        <View className='grow'>
          <View className='strong'>关怀模式</View>
          <Text className='muted'>字更大、对比更强、按钮更大</Text>
        </View>
        <Switch nativeProps={{ 'aria-label': '关怀模式' }} checked={careMode} color='#C8161D' onChange={(e) => setCareMode(e.detail.value)} data-testid='care-switch' />
      </View>

      {views.length > 1 && (
        <View className='card'>
          <View className='strong mb-8'>切换身份</View>
          <View className='choice-row'>
            {views.map((v) => (
              <Tap
                key={v}
                className={`choice ${v === view ? 'on' : ''}`}
                onTap={() => {
                  setView(v);
                  Taro.switchTab({ url: ROUTES.home });
                }}
                data-view={v}
              >
                {FACE_LABELS[v]}
              </Tap>
            ))}
          </View>
        </View>
      )}

      <View className='section'>
        <Tap className='btn block' onTap={signOut}>
          退出登录
        </Tap>
      </View>
    </Page>
  );
}

const go = (url: string) => () => Taro.navigateTo({ url });

/** Service teams and the organisation: each row only for those it concerns; joining for everyone. */
function OrgLinks({ me }: { me: Me }) {
  const isAdmin = me.roles.includes('admin');
  const led = me.teams.filter((t) => t.role === 'leader');
  return (
    <View>
      {me.teams.length > 0 && (
        <Tap className='list-item' onTap={go(ROUTES.availability)} data-testid='my-availability'>
          <Text>🟢 我的在岗状态</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {led.map((t) => (
        <Tap key={t.id} className='list-item' onTap={go(`${ROUTES.teamAdmin}?teamId=${t.id}`)} data-testid='team-admin-link'>
          <Text className='grow'>🛠 服务队管理：{t.name}</Text>
          <Text className='muted'>›</Text>
        </Tap>
      ))}
      {(isAdmin || me.roles.includes('secretary') || me.teams.length > 0) && (
        <Tap className='list-item' onTap={go(ROUTES.people)} data-testid='people-link'>
          <Text>🧓 重点人员（人员台账）</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {(isAdmin || me.roles.includes('secretary') || me.teams.length > 0) && (
        <Tap className='list-item' onTap={go(ROUTES.distributions)} data-testid='distributions-link'>
          <Text>📦 物资发放（健康包按户发放）</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {(isAdmin || me.roles.includes('secretary') || led.length > 0) && (
        <Tap className='list-item' onTap={go(ROUTES.staffing)} data-testid='staffing-link'>
          <Text>📊 力量缺口（借调队员）</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {me.teams.length > 0 && (
        <Tap className='list-item' onTap={go(ROUTES.newErrand)} data-testid='errands-link'>
          <Text>🛒 集中采购（跑腿批次）</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {(isAdmin || me.roles.includes('secretary')) && (
        <Tap className='list-item' onTap={go(ROUTES.org)} data-testid='org-link'>
          <Text>🏛 组织管理</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      {isAdmin && (
        <Tap className='list-item' onTap={go(ROUTES.audit)} data-testid='audit-link'>
          <Text>📋 操作记录</Text>
          <Text className='muted'>›</Text>
        </Tap>
      )}
      <JoinByCode />
    </View>
  );
}

function JoinByCode() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const code = normaliseInviteCode(text);
    if (!code) return setError('邀请码是 8 位字母和数字（队长生成的），请核对。');
    setError(null);
    Taro.navigateTo({ url: `${ROUTES.join}?code=${code}` });
  };
  if (!open) {
    return (
      <Tap className='list-item' onTap={() => setOpen(true)} data-testid='join-by-code'>
        <Text>🤝 用邀请码加入服务队</Text>
        <Text className='muted'>›</Text>
      </Tap>
    );
  }
  return (
    <View className='card mt-12'>
      <View className='strong mb-8'>用邀请码加入服务队</View>
      <View className={`field ${error ? 'invalid' : ''}`}>
        <Input nativeProps={{ 'aria-label': '邀请码' }}
          className='input'
          value={text}
          maxlength={60}
          placeholder='输入队长给的邀请码'
          onInput={(e) => setText(e.detail.value)}
          onConfirm={submit}
          data-testid='invite-code-input'
        />
        {error && <View className='error'>{error}</View>}
      </View>
      <View className='btn-row'>
        <Tap className='btn small' onTap={() => setOpen(false)}>
          取消
        </Tap>
        <Tap className='btn small primary' onTap={submit} data-testid='open-invite'>
          查看
        </Tap>
      </View>
    </View>
  );
}
