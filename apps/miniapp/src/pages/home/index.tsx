import { useDidShow } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { Suspense, useState } from 'react';
import { Page } from '../../components/page';
import { MemberHome, SecretaryHome } from '../../components/other-homes';
import { ResidentHome } from '../../components/resident-home';
import { useApp } from '../../store';

/** One app, role-aware: the home screen follows the face the person chose (我的 › 切换身份). */
export default function Home() {
  const { view, me } = useApp();
  // The member's and secretary's homes may mount after the page showed (loaded on demand): they
  // load by this count (components/shown.ts).
  const [visits, setVisits] = useState(0);
  useDidShow(() => setVisits((n) => n + 1));
  // Nobody signed in: Page sends them to the login screen; ask the API nothing meanwhile.
  if (!me) return <Page />;
  return (
    <Page screen={`home-${view}`}>
      <Suspense fallback={<View className='empty'>加载中…</View>}>
        {view === 'member' && <MemberHome visits={visits} />}
        {view === 'secretary' && <SecretaryHome visits={visits} />}
      </Suspense>
      {view === 'resident' && <ResidentHome />}
    </Page>
  );
}
