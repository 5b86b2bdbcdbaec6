import Taro, { useLoad, useRouter } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { Page } from '../../components/page';
import { TicketList } from '../../components/ticket-list';
import type { ListTicketsQuery } from '@minhu/contracts';

/** A filtered list opened from an overview (a secretary's overdue tickets, one team's backlog). */
export default function List() {
  const { params } = useRouter();
  // The query as listPage (routes.ts) wrote it.
  const query = JSON.parse(decodeURIComponent(params.query ?? '{"scope":"mine"}')) as ListTicketsQuery;
  const title = decodeURIComponent(params.title ?? '工单');
  useLoad(() => {
    void Taro.setNavigationBarTitle({ title });
  });
  return (
    <Page>
      <View className='spacer' />
      <TicketList query={{ ...query, limit: 20 }} empty='没有符合条件的求助。' />
    </Page>
  );
}
