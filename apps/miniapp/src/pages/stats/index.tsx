import { useRouter } from '@tarojs/taro';
import { Page } from '../../components/page';
import { Dashboard } from '../../components/dashboard';

/** A leader's view of their own team: the same figures as a secretary's, for one team. */
export default function Stats() {
  const { teamId } = useRouter().params;
  return (
    <Page>
      <Dashboard teamId={teamId} />
    </Page>
  );
}
