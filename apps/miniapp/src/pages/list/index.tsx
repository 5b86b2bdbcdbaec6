import Taro, { useLoad, useRouter } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { Page } from '../../components/page';
import { TicketList } from '../../components/ticket-list';

/** A filtered list opened from an overview (a secretary's overdue tickets, one team's backlog). */
export default function List() {
  const { params } = useRouter();
  const query = decodeURIComponent(params.query ?? 'scope=mine');
  const title = decodeURIComponent(params.title ?? '工单');
  useLoad(() => {
    void Taro.setNavigationBarTitle({ title });
  });
  return (
    <Page>
      <View style={{ height: '12px' }} />
      <TicketList query={`${query}&limit=20`} empty='没有符合条件的求助。' />
    </Page>
  );
}
