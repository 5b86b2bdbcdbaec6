import { Page } from '../../components/page';
import { MemberHome } from '../../components/member-home';
import { ResidentHome } from '../../components/resident-home';
import { SecretaryHome } from '../../components/secretary-home';
import { useApp } from '../../store';

/** One app, role-aware: the home screen follows the face the person chose (我的 › 切换身份). */
export default function Home() {
  const { view, me } = useApp();
  // Nobody signed in: Page sends them to the login screen; ask the API nothing meanwhile.
  if (!me) return <Page />;
  return (
    <Page screen={`home-${view}`}>
      {view === 'member' && <MemberHome />}
      {view === 'secretary' && <SecretaryHome />}
      {view === 'resident' && <ResidentHome />}
    </Page>
  );
}
