import Taro, { useDidShow } from '@tarojs/taro';
import { Switch, Text, View } from '@tarojs/components';
import { SPECIAL_TAG_LABELS } from '@minhu/domain';
import { Page } from '../../components/page';
import { InboxLink } from '../../components/inbox-link';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import type { View as Face } from '../../services/session';

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
      <View className='card' style={{ marginTop: '16px' }}>
        <View style={{ fontSize: '1.3em', fontWeight: 600 }}>{me.name}</View>
        <View className='muted'>{me.phone ?? '未绑定手机号'}</View>
        <View style={{ marginTop: '8px' }}>
          🏠 {me.home ? `${me.home.address} ${me.home.detail ?? ''}` : '尚未填写住址'}
        </View>
        {me.specialTags.length > 0 && (
          <View className='badges' style={{ marginTop: '8px' }}>
            {me.specialTags.map((t) => (
              <Text key={t} className='badge'>
                {SPECIAL_TAG_LABELS[t]}
              </Text>
            ))}
          </View>
        )}
        <View className='btn small' style={{ marginTop: '12px' }} onClick={() => Taro.navigateTo({ url: ROUTES.profile })}>
          修改姓名、住址和特殊情况
        </View>
      </View>

      <InboxLink />

      <View className='card row' style={{ marginTop: '12px' }}>
        <View className='grow'>
          <View style={{ fontWeight: 600 }}>关怀模式</View>
          <Text className='muted'>字更大、对比更强、按钮更大</Text>
        </View>
        <Switch checked={careMode} color='#C8161D' onChange={(e) => setCareMode(e.detail.value)} data-testid='care-switch' />
      </View>

      {views.length > 1 && (
        <View className='card'>
          <View style={{ fontWeight: 600, marginBottom: '8px' }}>切换身份</View>
          <View className='choice-row'>
            {views.map((v) => (
              <View
                key={v}
                className={`choice ${v === view ? 'on' : ''}`}
                onClick={() => {
                  setView(v);
                  Taro.switchTab({ url: ROUTES.home });
                }}
                data-view={v}
              >
                {FACE_LABELS[v]}
              </View>
            ))}
          </View>
          {me.teams.length > 0 && <View className='muted' style={{ marginTop: '8px' }}>{me.teams.map((t) => t.name).join('、')}</View>}
        </View>
      )}

      <View className='section'>
        <View className='btn block' onClick={signOut}>
          退出登录
        </View>
      </View>
    </Page>
  );
}
